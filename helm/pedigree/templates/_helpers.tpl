{{/* Name of the chart, or nameOverride. */}}
{{- define "pedigree.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: fullnameOverride, or <release>-<chart> (just the release when it already holds the chart name). */}}
{{- define "pedigree.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one service's objects: <fullname>-<service>. Call with (dict "root" $ "service" "serialization"). */}}
{{- define "pedigree.serviceName" -}}
{{- printf "%s-%s" (include "pedigree.fullname" .root) .service | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "pedigree.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "pedigree.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: pedigree
{{- end -}}

{{/* Selector labels of one service's pods. Call with (dict "root" $ "service" "serialization"). */}}
{{- define "pedigree.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pedigree.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .service }}
{{- end -}}

{{- define "pedigree.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "pedigree.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Image of one service. Call with (dict "root" $ "service" "serialization"). */}}
{{- define "pedigree.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.repository .service (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}

{{/* The container security context of Pod Security Standard "restricted". */}}
{{- define "pedigree.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The pod security context: the values' user and group, non-root, seccomp RuntimeDefault. */}}
{{- define "pedigree.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
fsGroup: {{ .Values.podSecurityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Whether the pods serve the Prometheus exporter. */}}
{{- define "pedigree.prometheus" -}}
{{- if and .Values.otel.enabled (has "prometheus" (splitList "," .Values.otel.metricsExporter)) }}true{{ end -}}
{{- end -}}

{{/* Environment variable name of a service's database URL for the CLI: DATABASE_URL_<SERVICE>. */}}
{{- define "pedigree.databaseUrlVariable" -}}
{{- printf "DATABASE_URL_%s" (. | upper | replace "-" "_") -}}
{{- end -}}

{{/* The OTEL_* settings of a process named by "name". Call with (dict "root" $ "name" "serialization"). */}}
{{- define "pedigree.otelEnv" -}}
- name: OTEL_SERVICE_NAME
  value: {{ .name | quote }}
{{- if .root.Values.otel.enabled }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ .root.Values.otel.endpoint | quote }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: {{ .root.Values.otel.protocol | quote }}
- name: OTEL_TRACES_SAMPLER
  value: {{ .root.Values.otel.sampler | quote }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ .root.Values.otel.samplerArg | quote }}
- name: OTEL_METRICS_EXPORTER
  value: {{ .root.Values.otel.metricsExporter | quote }}
- name: OTEL_EXPORTER_PROMETHEUS_HOST
  value: "0.0.0.0"
- name: OTEL_EXPORTER_PROMETHEUS_PORT
  value: {{ .root.Values.otel.metricsPort | quote }}
- name: K8S_POD_NAME
  valueFrom: { fieldRef: { fieldPath: metadata.name } }
- name: K8S_NAMESPACE_NAME
  valueFrom: { fieldRef: { fieldPath: metadata.namespace } }
- name: K8S_NODE_NAME
  valueFrom: { fieldRef: { fieldPath: spec.nodeName } }
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ printf "k8s.pod.name=$(K8S_POD_NAME),k8s.namespace.name=$(K8S_NAMESPACE_NAME),k8s.node.name=$(K8S_NODE_NAME)%s" (ternary "" (printf ",%s" .root.Values.otel.resourceAttributes) (empty .root.Values.otel.resourceAttributes)) | quote }}
{{- else }}
- name: OTEL_SDK_DISABLED
  value: "true"
{{- end }}
{{- end -}}
