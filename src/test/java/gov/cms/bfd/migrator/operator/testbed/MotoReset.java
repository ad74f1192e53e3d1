package gov.cms.bfd.migrator.operator.testbed;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** {@code @ExtendWith(MotoReset.class)}: every test starts with an empty moto. */
public class MotoReset implements BeforeEachCallback {
  @Override
  public void beforeEach(ExtensionContext context) {
    TestBed.get().moto().reset();
  }
}
