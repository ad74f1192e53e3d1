{{/* The release's full name: the release name when it already says migrator-operator, else <release>-migrator-operator. */}}
{{- define "migrator-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels that select the operator's pods. */}}
{{- define "migrator-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "migrator-operator.labels" -}}
{{ include "migrator-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "migrator-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "migrator-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "migrator-operator.leaseName" -}}
{{- default (include "migrator-operator.fullname" .) .Values.leaderElection.leaseName -}}
{{- end -}}

{{/* The subject every binding of the operator's roles names. */}}
{{- define "migrator-operator.subject" -}}
- kind: ServiceAccount
  name: {{ include "migrator-operator.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
{{- end -}}

{{/*
What the operator does with MigratorDeployments and Events, wherever it watches: its informers list and watch
MigratorDeployments, it writes their status (server-side apply, a patch) and records Events (core/v1, create).
ChartRbacProcessIT fails on a grant the operator does not use, and on a request it is denied.
*/}}
{{- define "migrator-operator.watchRules" -}}
- apiGroups: ["migrator.bfd.cms.gov"]
  resources: ["migratordeployments"]
  verbs: ["list", "watch"]
- apiGroups: ["migrator.bfd.cms.gov"]
  resources: ["migratordeployments/status"]
  verbs: ["patch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end -}}

{{/*
Cluster-wide, whatever the operator watches: the start-up check that its CRD is installed (only that CRD); the
MigratorEnvironments (cluster-scoped: who may act for which environment) and their status, where the claim and the
ledger are written; and the approval policy and its binding, read by name: approvals are acted on only while they are
installed.
*/}}
{{- define "migrator-operator.clusterRules" -}}
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  resourceNames: ["migratordeployments.migrator.bfd.cms.gov"]
  verbs: ["get"]
- apiGroups: ["migrator.bfd.cms.gov"]
  resources: ["migratorenvironments"]
  verbs: ["list", "watch"]
- apiGroups: ["migrator.bfd.cms.gov"]
  resources: ["migratorenvironments/status"]
  verbs: ["patch"]
- apiGroups: ["admissionregistration.k8s.io"]
  resources: ["validatingadmissionpolicies", "validatingadmissionpolicybindings"]
  resourceNames: ["migratordeployments-approved-by.migrator.bfd.cms.gov"]
  verbs: ["get"]
{{- end -}}

{{/*
The operator's image: registry/repository, then @digest when one is given (repository:tag@digest when a tag is given
too, readable and pinned), else :tag, the tag defaulting to the chart's appVersion.
*/}}
{{- define "migrator-operator.image" -}}
{{- $image := .Values.image.repository -}}
{{- with .Values.image.registry }}{{ $image = printf "%s/%s" (trimSuffix "/" .) $image }}{{ end -}}
{{- if .Values.image.digest -}}
{{- with .Values.image.tag }}{{ $image = printf "%s:%s" $image . }}{{ end -}}
{{- printf "%s@%s" $image .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $image (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/* The job label the chart's ServiceMonitor and PodMonitor give the operator's series, and its alerts select. */}}
{{- define "migrator-operator.job" -}}
{{- include "migrator-operator.fullname" . -}}
{{- end -}}

{{/* The relabeling that sets that job label, whichever monitor scrapes. */}}
{{- define "migrator-operator.jobRelabeling" -}}
- action: replace
  targetLabel: job
  replacement: {{ include "migrator-operator.job" . }}
{{- end -}}
