package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The queue as last observed, with a bounded sample of its messages. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QueueStatus {
  public String url;
  public Long visible;
  public Long inFlight;
  public List<QueueMessage> messages;
}
