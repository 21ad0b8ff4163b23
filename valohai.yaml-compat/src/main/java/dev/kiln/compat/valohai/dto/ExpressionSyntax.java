package dev.kiln.compat.valohai.dto;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the syntax of a {@code stop-condition}: a Python expression such as {@code metadata.loss <
 * 0.1 and epoch > 3}, as the reference parser checks it (with the {@code leval} library). Only the
 * syntax is checked: names are not resolved.
 */
public final class ExpressionSyntax {
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "not", "in", "is", "if", "else", "True", "False", "None");
  private static final int MAX_DEPTH = 32;

  private enum Kind { NAME, NUMBER, STRING, OP, KEYWORD, END }

  private record Token(Kind kind, String text, int col) {}

  private final List<Token> tokens;
  private int pos;
  private int depth;

  private ExpressionSyntax(List<Token> tokens) {
    this.tokens = tokens;
  }

  /** Empty when {@code expression} is a valid expression, else a message saying what is wrong. */
  public static Optional<String> check(String expression) {
    try {
      ExpressionSyntax p = new ExpressionSyntax(tokenize(expression));
      p.expr();
      Token t = p.peek();
      if (t.kind() != Kind.END) {
        throw new IllegalArgumentException(
            "unexpected " + describe(t) + " at column " + t.col());
      }
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  private static String describe(Token t) {
    return switch (t.kind()) {
      case END -> "end of expression";
      case STRING -> "string " + t.text();
      default -> "`" + t.text() + "`";
    };
  }

  private static List<Token> tokenize(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int col = i + 1;
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
          j++;
        }
        String w = s.substring(i, j);
        out.add(new Token(KEYWORDS.contains(w) ? Kind.KEYWORD : Kind.NAME, w, col));
        i = j;
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length()
          && Character.isDigit(s.charAt(i + 1)))) {
        int j = i;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '.'
            || s.charAt(j) == '_' || ((s.charAt(j) == '+' || s.charAt(j) == '-')
                && (s.charAt(j - 1) == 'e' || s.charAt(j - 1) == 'E')))) {
          j++;
        }
        String num = s.substring(i, j).replace("_", "");
        if (!num.matches("(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?|0[xX][0-9a-fA-F]+")) {
          throw new IllegalArgumentException("invalid number `" + s.substring(i, j) + "` at column " + col);
        }
        out.add(new Token(Kind.NUMBER, s.substring(i, j), col));
        i = j;
      } else if (c == '\'' || c == '"') {
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != c) {
          if (s.charAt(j) == '\\') {
            j++;
          }
          j++;
        }
        if (j >= s.length()) {
          throw new IllegalArgumentException("unterminated string starting at column " + col);
        }
        out.add(new Token(Kind.STRING, s.substring(i, j + 1), col));
        i = j + 1;
      } else {
        String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
        String three = i + 2 < s.length() ? s.substring(i, i + 3) : "";
        if (three.equals("**=") || three.equals("//=")) {
          throw new IllegalArgumentException("assignment is not allowed in an expression (column " + col + ")");
        }
        if (Set.of("==", "!=", "<=", ">=", "//", "**", "<<", ">>").contains(two)) {
          out.add(new Token(Kind.OP, two, col));
          i += 2;
        } else if ("+-*/%<>()[],.~&|^".indexOf(c) >= 0) {
          out.add(new Token(Kind.OP, String.valueOf(c), col));
          i++;
        } else if (c == '=') {
          throw new IllegalArgumentException("`=` at column " + col + " is an assignment; use `==` to compare");
        } else {
          throw new IllegalArgumentException("unexpected character `" + c + "` at column " + col);
        }
      }
    }
    out.add(new Token(Kind.END, "", s.length() + 1));
    return out;
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private boolean accept(String text) {
    Token t = peek();
    if ((t.kind() == Kind.OP || t.kind() == Kind.KEYWORD) && t.text().equals(text)) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(String text) {
    if (!accept(text)) {
      Token t = peek();
      throw new IllegalArgumentException(
          "expected `" + text + "` but found " + describe(t) + " at column " + t.col());
    }
  }

  private void expr() {
    if (++depth > MAX_DEPTH) {
      throw new IllegalArgumentException("expression nested too deeply");
    }
    orTest();
    if (accept("if")) {
      orTest();
      expect("else");
      expr();
    }
    depth--;
  }

  private void orTest() {
    andTest();
    while (accept("or")) {
      andTest();
    }
  }

  private void andTest() {
    notTest();
    while (accept("and")) {
      notTest();
    }
  }

  private void notTest() {
    if (accept("not")) {
      notTest();
    } else {
      comparison();
    }
  }

  private void comparison() {
    bitOr();
    while (true) {
      Token t = peek();
      if (t.kind() == Kind.OP && Set.of("<", ">", "==", "!=", "<=", ">=").contains(t.text())) {
        pos++;
      } else if (accept("in")) {
        // in
      } else if (accept("not")) {
        expect("in");
      } else if (accept("is")) {
        accept("not");
      } else {
        return;
      }
      bitOr();
    }
  }

  private void bitOr() {
    arith();
    while (true) {
      Token t = peek();
      if (t.kind() == Kind.OP && Set.of("|", "&", "^", "<<", ">>").contains(t.text())) {
        pos++;
        arith();
      } else {
        return;
      }
    }
  }

  private void arith() {
    term();
    while (accept("+") || accept("-")) {
      term();
    }
  }

  private void term() {
    factor();
    while (accept("*") || accept("/") || accept("//") || accept("%")) {
      factor();
    }
  }

  private void factor() {
    if (accept("+") || accept("-") || accept("~")) {
      factor();
      return;
    }
    power();
  }

  private void power() {
    atom();
    while (true) {
      if (accept(".")) {
        Token t = peek();
        if (t.kind() != Kind.NAME) {
          throw new IllegalArgumentException(
              "expected a name after `.` but found " + describe(t) + " at column " + t.col());
        }
        pos++;
      } else if (accept("(")) {
        if (!accept(")")) {
          expr();
          while (accept(",")) {
            if (peek().text().equals(")")) {
              break;
            }
            expr();
          }
          expect(")");
        }
      } else if (accept("[")) {
        expr();
        expect("]");
      } else {
        break;
      }
    }
    if (accept("**")) {
      factor();
    }
  }

  private void atom() {
    Token t = peek();
    switch (t.kind()) {
      case NAME, NUMBER -> pos++;
      case STRING -> {
        while (peek().kind() == Kind.STRING) {
          pos++;
        }
      }
      case KEYWORD -> {
        if (Set.of("True", "False", "None").contains(t.text())) {
          pos++;
        } else {
          throw new IllegalArgumentException("unexpected `" + t.text() + "` at column " + t.col());
        }
      }
      case OP -> {
        if (accept("(")) {
          if (accept(")")) {
            return;
          }
          expr();
          while (accept(",")) {
            if (peek().text().equals(")")) {
              break;
            }
            expr();
          }
          expect(")");
        } else if (accept("[")) {
          if (accept("]")) {
            return;
          }
          expr();
          while (accept(",")) {
            if (peek().text().equals("]")) {
              break;
            }
            expr();
          }
          expect("]");
        } else {
          throw new IllegalArgumentException("unexpected `" + t.text() + "` at column " + t.col());
        }
      }
      case END -> throw new IllegalArgumentException("unexpected end of expression");
      default -> throw new IllegalArgumentException("unexpected " + describe(t));
    }
  }
}
