package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The queue as last observed: its counts, the runs its messages tell of, and the messages that are evidence. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QueueStatus {
  @JsonPropertyDescription("The queue URL.")
  public String url;
  @JsonPropertyDescription("SQS's approximate count of visible messages (it lags up to a minute).")
  public Long visible;
  @JsonPropertyDescription("SQS's approximate count of messages another reader holds (the deploy pipeline, say).")
  public Long inFlight;
  @JsonPropertyDescription("The runs the messages read tell of, one line each (progress and heartbeats folded).")
  public List<RunSummary> runs;
  @JsonPropertyDescription("The messages that are evidence (bounded): those that end a run (Finished, Failed, a monitor"
      + " exit) with their parsed fields, and the raw body of any message in neither format.")
  public List<QueueMessage> messages;
}
