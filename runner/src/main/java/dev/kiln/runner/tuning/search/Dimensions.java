package dev.kiln.runner.tuning.search;

import dev.kiln.pipelines.tuning.Scale;
import dev.kiln.pipelines.tuning.SearchParameter;
import dev.kiln.pipelines.tuning.TuningSpec;
import java.util.List;

/** The search space of a {@link TuningSpec}, as the samplers take it. */
public final class Dimensions {
  private Dimensions() {}

  public static List<Dimension> of(TuningSpec spec) {
    return spec.parameters().stream().map(Dimensions::of).toList();
  }

  public static Dimension of(SearchParameter p) {
    if (p instanceof SearchParameter.DoubleRange d) {
      return Dimension.ofDouble(d.name(), d.min(), d.max(), scale(d.scale()));
    }
    if (p instanceof SearchParameter.IntegerRange i) {
      return Dimension.ofInteger(i.name(), i.min(), i.max(), scale(i.scale()));
    }
    if (p instanceof SearchParameter.Categorical c) {
      return Dimension.categorical(c.name(), c.values());
    }
    SearchParameter.Discrete d = (SearchParameter.Discrete) p;
    return Dimension.discrete(d.name(), d.values());
  }

  private static Dimension.Scale scale(Scale s) {
    return Dimension.Scale.valueOf(s.name());
  }
}
