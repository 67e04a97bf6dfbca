{{/*
Full name of the release's objects: "<release>-pgshard-operator", or just the release name when
it already says pgshard-operator. Kubernetes names are at most 63 characters.
*/}}
{{- define "pgshard-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "pgshard-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "pgshard-operator.labels" -}}
{{ include "pgshard-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: operator
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "pgshard-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "pgshard-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Lease the replicas compete for; one per release. */}}
{{- define "pgshard-operator.leaseName" -}}
{{- printf "%s-leader" (include "pgshard-operator.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
What the operator does to the objects it manages, shared by the ClusterRole (all namespaces) and
the per-namespace Roles. e2e RbacCoverageTest runs the operator, records every request and checks
both ways: each request is allowed here, and each verb here was used or is explained there.
Objects are read from informer caches (list, watch), so "get" only where the operator reads by
name: Secrets, and a ShardedCluster after a conflict on its finalizer. Nothing deletes a
StatefulSet (owner references leave that to the garbage collector). "patch" on the objects is
server-side apply, the operator's default; "update" is its fallback without it.
*/}}
{{- /*
The operator's permissions, proven by RbacCoverageTest against every call it makes. "get" stands
beside every "list": it reads nothing list/watch do not already show, and server-side apply may
fetch an object by name on a conflict, a path the mock API server cannot exercise.
*/ -}}
{{- define "pgshard-operator.rules" -}}
- apiGroups: ["pgshard.io"]
  resources: ["shardedclusters"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["pgshard.io"]
  resources: ["postgresshards"]
  # patch: removing the switchover annotation once a switchover is done
  verbs: ["get", "list", "watch", "create", "update", "patch"]
- apiGroups: ["pgshard.io"]
  resources: ["shardedclusters/status"]
  # patch: server-side apply of the status alone (the default); update: without it
  verbs: ["update", "patch"]
- apiGroups: ["pgshard.io"]
  resources: ["postgresshards/status"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "create"]
- apiGroups: [""]
  resources: ["configmaps"]
  # JOSDK never applies ConfigMaps server-side (data maps merge badly): create and update only
  verbs: ["get", "list", "watch", "create", "update", "delete"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["apps"]
  resources: ["statefulsets"]
  # delete: a storage growth replaces the StatefulSet with orphan propagation (pods keep running)
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  # patch: the primary/replica role label; delete: fencing a failed primary
  verbs: ["get", "list", "watch", "patch", "delete"]
- apiGroups: [""]
  resources: ["pods/eviction"]
  # a rolling restart restarts an instance through the PodDisruptionBudget
  verbs: ["create"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
- apiGroups: ["discovery.k8s.io"]
  resources: ["endpointslices"]
  # a switchover resumes the poolers once the rw Service routes to the new primary
  verbs: ["list"]
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  # get, patch: a storage growth raises each data claim's request
  verbs: ["get", "patch", "deletecollection"]
{{- end -}}
