package gov.cms.bfd.migrator.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * What one BFD environment is in AWS and which namespaces may manage it; written by the platform's cluster
 * admins. Its status is the operator's: who claims the environment, and the ledger of what the operator did to
 * it in AWS, the record every safety rule reads.
 *
 * <p>The rules on names that contain {@code ${environment}} sit here, at the root, because only the root may
 * read {@code metadata.name}, which the placeholder stands for.
 */
@Group(MigratorDeployment.GROUP)
@Version(MigratorDeployment.VERSION)
@ShortNames({"menv", "migenv"})
@Categories({"migrator", "bfd"})
@ValidationRule(value = "self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$') && size(self.metadata.name) <= 63",
    message = "metadata.name is the environment name and must be a DNS label: lower-case letters, digits and '-',"
        + " at most 63, starting and ending with a letter or digit")
@ValidationRule(value = "has(self.spec)", message = "spec is required: set at least spec.namespaces")
// The names' lengths once ${environment} is replaced, computed rather than replaced (replacing by metadata.name,
// which may be 253 characters, costs more than the API server allows a rule); QueueSpec and ServiceSpec check that
// the placeholder appears at most once.
@ValidationRule(
    value = "!has(self.spec) || !has(self.spec.queue) || !has(self.spec.queue.name)"
        + " || size(self.spec.queue.name) + (self.spec.queue.name.contains('${environment}')"
        + " ? size(self.metadata.name) - 14 : 0) <= 80",
    fieldPath = ".spec.queue.name",
    reason = "FieldValueInvalid",
    message = "the queue name, with ${environment} replaced by the environment name, is longer than the 80 characters"
        + " SQS accepts")
@ValidationRule(
    value = "!has(self.spec) || !has(self.spec.service) || !has(self.spec.service.logGroup)"
        + " || size(self.spec.service.logGroup) + (self.spec.service.logGroup.contains('${environment}')"
        + " ? size(self.metadata.name) - 14 : 0) <= 512",
    fieldPath = ".spec.service.logGroup",
    reason = "FieldValueInvalid",
    message = "the log group name, with ${environment} replaced by the environment name, is longer than the 512"
        + " characters CloudWatch Logs accepts")
@AdditionalPrinterColumn(name = "Namespaces", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".spec.namespaces")
@AdditionalPrinterColumn(name = "Claimed by", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.claimedBy")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
public class MigratorEnvironment extends CustomResource<MigratorEnvironmentSpec, MigratorEnvironmentStatus> {
}
