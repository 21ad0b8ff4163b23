package dev.kiln.runner.orchestrator;

/** Where the orchestrator tells a person what is happening. */
public interface Console {
  /** A line a step printed, with its node's name. */
  void stepLine(String node, boolean stderr, String text);

  /** A change in the run ("train: started on cpu"). */
  void status(String text);

  /** Prints nothing; for tests and servers. */
  Console SILENT =
      new Console() {
        @Override
        public void stepLine(String node, boolean stderr, String text) {}

        @Override
        public void status(String text) {}
      };
}
