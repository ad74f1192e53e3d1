package gov.cms.bfd.migrator.operator.testbed;

/**
 * A JVM that starts the test bed and then fails ({@code fail}) or waits to be killed ({@code hang}); used
 * by {@link TestBedCleanupIT} to show that no process outlives the JVM that started it.
 */
public final class TestBedChild {

  private TestBedChild() {}

  public static void main(String[] args) throws InterruptedException {
    TestBed.get();
    System.out.println("TEST-BED-READY");
    System.out.flush();
    if ("fail".equals(args[0])) {
      // As surefire's forked JVM ends a run with failures: System.exit, which runs the shutdown hooks.
      System.out.println("a deliberately failing test run");
      System.exit(1);
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
