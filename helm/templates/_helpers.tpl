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
What the operator does with MigratorDeployments and Events, wherever it watches: it reads and watches
MigratorDeployments, writes their status (server-side apply) and records Events.
*/}}
{{- define "migrator-operator.watchRules" -}}
- apiGroups: ["migrator.bfd.cms.gov"]
  resources: ["migratordeployments"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["migrator.bfd.cms.gov"]
  resources: ["migratordeployments/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end -}}

{{/* The start-up check that the CRD is installed: cluster-wide, whatever the operator watches. */}}
{{- define "migrator-operator.crdRules" -}}
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  verbs: ["get", "list"]
{{- end -}}
