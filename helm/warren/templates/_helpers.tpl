{{/*
Names. The chart name, or nameOverride.
*/}}
{{- define "warren.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The full name of every resource: fullnameOverride, else the release name (with the chart name when
the release name does not contain it), cut to the 63 characters of a DNS label.
*/}}
{{- define "warren.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "warren.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels: the Deployment's selector, frozen once released (a change would need a new
Deployment).
*/}}
{{- define "warren.selectorLabels" -}}
app.kubernetes.io/name: {{ include "warren.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: control-plane
{{- end }}

{{/*
Labels of every resource.
*/}}
{{- define "warren.labels" -}}
helm.sh/chart: {{ include "warren.chart" . }}
{{ include "warren.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: warren
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "warren.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "warren.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
An image reference: repository@digest when a digest is given, else repository:tag, the tag
defaulting to the chart's appVersion. Fails when neither is there.
  include "warren.image" (dict "image" .Values.image "path" "image" "context" $)
*/}}
{{- define "warren.image" -}}
{{- $tag := .image.tag | default .context.Chart.AppVersion | toString }}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else if $tag }}
{{- printf "%s:%s" .image.repository $tag }}
{{- else }}
{{- fail (printf "%s: give %s.tag or %s.digest (the chart has no appVersion to default to)." .path .path .path) }}
{{- end }}
{{- end }}

{{/*
The workspace image: the CUDA variant when workspaceImage.cuda.enabled.
*/}}
{{- define "warren.workspaceImage" -}}
{{- $w := .Values.workspaceImage }}
{{- if and $w.cuda $w.cuda.enabled }}
{{- include "warren.image" (dict "image" $w.cuda "path" "workspaceImage.cuda" "context" .) }}
{{- else }}
{{- include "warren.image" (dict "image" $w "path" "workspaceImage" "context" .) }}
{{- end }}
{{- end }}

{{- define "warren.publicUrl" -}}
{{- printf "%s://%s" .Values.scheme .Values.host }}
{{- end }}

{{/*
The address IDEs send heartbeats to: this release's Service.
*/}}
{{- define "warren.heartbeatUrl" -}}
{{- printf "http://%s.%s.svc:%d" (include "warren.fullname" .) .Release.Namespace (int .Values.ports.heartbeat) }}
{{- end }}

{{/*
Labels of the workspace pods and their namespaces, as the manager writes them
(packages/workspace-manager/src/kubernetes/workspace-objects.ts, tenant-namespaces.ts).
*/}}
{{- define "warren.workspacePeer" -}}
namespaceSelector:
  matchLabels:
    app.kubernetes.io/managed-by: warren
  matchExpressions:
    - key: warren.dev/tenant
      operator: Exists
podSelector:
  matchLabels:
    app.kubernetes.io/managed-by: warren
    app.kubernetes.io/component: workspace
{{- end }}

{{/*
The cluster settings (--cluster-config): the ClusterSettings object of doc/cluster.md.
*/}}
{{- define "warren.clusterSettings" -}}
{{- $c := .Values.cluster }}
{{- $goEnv := dict }}
{{- range $k, $v := $c.goEnv }}
{{- if $v }}{{ $_ := set $goEnv $k $v }}{{ end }}
{{- end }}
{{- $peers := $c.controlPlanePeers }}
{{- if not $peers }}
{{- $peers = list (dict "namespaceSelector" (dict "matchLabels" (dict "kubernetes.io/metadata.name" .Release.Namespace)) "podSelector" (dict "matchLabels" (include "warren.selectorLabels" . | fromYaml))) }}
{{- end }}
{{- $s := dict
  "image" (include "warren.workspaceImage" .)
  "imagePullPolicy" .Values.workspaceImage.pullPolicy
  "namespacePrefix" $c.namespacePrefix
  "controlPlaneNamespace" .Release.Namespace
  "controlPlanePeers" $peers
  "egressAllowlist" ($c.egressAllowlist | default list)
  "goEnv" $goEnv
  "defaultQuota" ($c.defaultQuota | default dict)
  "tenants" ($c.tenants | default dict)
  "heartbeatListen" (printf "0.0.0.0:%d" (int .Values.ports.heartbeat))
  "heartbeatUrl" (include "warren.heartbeatUrl" .) }}
{{- with $c.storageClassName }}{{ $_ := set $s "storageClassName" . }}{{ end }}
{{- with $c.nodeSelector }}{{ $_ := set $s "nodeSelector" . }}{{ end }}
{{- with $c.tolerations }}{{ $_ := set $s "tolerations" . }}{{ end }}
{{- toPrettyJson $s }}
{{- end }}

{{/*
Whether a toleration list tolerates a taint, as the scheduler decides it: an empty key with
Exists tolerates every taint; an empty effect matches every effect.
  include "warren.tolerates" (dict "tolerations" list "taint" dict) → "true" or ""
*/}}
{{- define "warren.tolerates" -}}
{{- $taint := .taint }}
{{- $ok := false }}
{{- range $t := .tolerations }}
{{- $op := $t.operator | default "Equal" }}
{{- $key := $t.key | default "" }}
{{- $keyOk := or (and (eq $op "Exists") (or (eq $key "") (eq $key $taint.key))) (and (eq $op "Equal") (eq $key $taint.key) (eq ($t.value | default "") ($taint.value | default ""))) }}
{{- $effectOk := or (empty $t.effect) (eq ($t.effect | default "") $taint.effect) }}
{{- if and $keyOk $effectOk }}{{ $ok = true }}{{ end }}
{{- end }}
{{- if $ok }}true{{ end }}
{{- end }}

{{/*
The GPU resources the classes use, as a dict resource → list of class names.
*/}}
{{- define "warren.gpuResources" -}}
{{- $used := dict }}
{{- range .Values.classes }}
{{- if .gpuResource }}
{{- $_ := set $used .gpuResource (append (get $used .gpuResource | default list) .name) }}
{{- end }}
{{- end }}
{{- toJson $used }}
{{- end }}

{{/*
Every problem of the values that the schema cannot see (it checks one value at a time), each
naming the value's path; fails once with all of them.
*/}}
{{- define "warren.validateValues" -}}
{{- $v := .Values }}
{{- $problems := list }}
{{- /* TLS and routing */}}
{{- if and $v.tls.enabled (not $v.tls.secretName) }}
{{- $problems = append $problems "tls.secretName: required with tls.enabled: the kubernetes.io/tls Secret with a certificate for host and *.host." }}
{{- end }}
{{- if and $v.tls.enabled (not $v.ingress.enabled) (not (and $v.httpRoute.enabled $v.httpRoute.gateway.create)) }}
{{- $problems = append $problems "tls.enabled: only the chart's Ingress (ingress.enabled) or its Gateway (httpRoute.gateway.create) can serve tls.secretName; with a Gateway of your own, configure TLS on its listener and leave tls.enabled false." }}
{{- end }}
{{- if and $v.tls.enabled (eq $v.scheme "http") }}
{{- $problems = append $problems "scheme: \"http\" with tls.enabled: people open https://, so the public URL must say https." }}
{{- end }}
{{- if and $v.ingress.enabled $v.httpRoute.enabled }}
{{- $problems = append $problems "ingress.enabled, httpRoute.enabled: choose one: both would route host and *.host." }}
{{- end }}
{{- if and $v.httpRoute.enabled (not $v.httpRoute.parentRefs) (not $v.httpRoute.gateway.create) }}
{{- $problems = append $problems "httpRoute.parentRefs: name the Gateway the route attaches to, or set httpRoute.gateway.create." }}
{{- end }}
{{- if and $v.httpRoute.gateway.create (not $v.httpRoute.enabled) }}
{{- $problems = append $problems "httpRoute.gateway.create: needs httpRoute.enabled (the Gateway is for the route)." }}
{{- end }}
{{- if and $v.httpRoute.gateway.create (not $v.httpRoute.gateway.className) }}
{{- $problems = append $problems "httpRoute.gateway.className: required with httpRoute.gateway.create (the GatewayClass of your Gateway API implementation)." }}
{{- end }}
{{- /* Ports: the four must differ */}}
{{- $seen := dict }}
{{- range $name := list "http" "grpc" "metrics" "heartbeat" }}
{{- $port := toString (get $v.ports $name) }}
{{- if hasKey $seen $port }}
{{- $problems = append $problems (printf "ports.%s: %s is ports.%s's port too: each of the four needs its own." $name $port (get $seen $port)) }}
{{- else }}
{{- $_ := set $seen $port $name }}
{{- end }}
{{- end }}
{{- /* Arguments the chart sets */}}
{{- range $a := $v.extraArgs }}
{{- $flag := regexReplaceAll "=.*$" $a "" }}
{{- if has $flag (list "--provider" "--data-dir" "--host" "--port" "--grpc-host" "--grpc-port" "--metrics-port" "--public-url" "--cluster-config" "--classes" "--users-file" "--trust-proxy" "--no-idle-stop" "--workspace-image" "--owner-tenant" "--kubeconfig") }}
{{- $problems = append $problems (printf "extraArgs: %s is set by the chart from its values (doc/helm.md lists which); set the value instead." $flag) }}
{{- end }}
{{- end }}
{{- /* Replicas and the data folder */}}
{{- if and (gt (int $v.replicaCount) 1) $v.persistence.existingClaim }}
{{- $problems = append $problems (printf "persistence.existingClaim: one claim cannot be the data folder of %d replicas (each keeps its own SQLite databases); leave it empty, or set replicaCount 1." (int $v.replicaCount)) }}
{{- end }}
{{- if and $v.podDisruptionBudget.enabled (not (kindIs "invalid" $v.podDisruptionBudget.minAvailable)) (ne (toString $v.podDisruptionBudget.minAvailable) "") (not (kindIs "invalid" $v.podDisruptionBudget.maxUnavailable)) (ne (toString $v.podDisruptionBudget.maxUnavailable) "") }}
{{- $problems = append $problems "podDisruptionBudget.minAvailable, podDisruptionBudget.maxUnavailable: set one (the other to \"\")." }}
{{- end }}
{{- /* Classes */}}
{{- $names := dict }}
{{- range $i, $c := $v.classes }}
{{- $where := printf "classes[%d] (%s)" $i $c.name }}
{{- if hasKey $names $c.name }}
{{- $problems = append $problems (printf "%s.name: the name is used by classes[%d] too." $where (get $names $c.name)) }}
{{- else }}
{{- $_ := set $names $c.name $i }}
{{- end }}
{{- if $c.gpuResource }}
{{- $tolerations := concat ($c.tolerations | default list) ($v.cluster.tolerations | default list) }}
{{- range $taint := $v.gpuNodeTaints }}
{{- if not (include "warren.tolerates" (dict "tolerations" $tolerations "taint" $taint)) }}
{{- $problems = append $problems (printf "%s.tolerations: the GPU nodes' taint %s%s:%s (gpuNodeTaints) is not tolerated, so the pod could never be scheduled; add { key: %s, operator: Exists, effect: %s }, or fix gpuNodeTaints." $where $taint.key (ternary (printf "=%s" ($taint.value | default "")) "" (not (empty $taint.value))) $taint.effect $taint.key $taint.effect) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- /* Quotas name GPU resources the classes use */}}
{{- $gpus := include "warren.gpuResources" . | fromJson }}
{{- $quotas := dict "cluster.defaultQuota" $v.cluster.defaultQuota }}
{{- range $tenant, $q := $v.cluster.tenants }}
{{- $_ := set $quotas (printf "cluster.tenants.%s" $tenant) $q }}
{{- end }}
{{- range $where, $q := $quotas }}
{{- if and $q $q.gpus }}
{{- range $resource, $_ := $q.gpus }}
{{- if not (hasKey $gpus $resource) }}
{{- $problems = append $problems (printf "%s.gpus[\"%s\"]: no class uses this resource (the classes' gpuResource: %s): a typo, or a class is missing." $where $resource (ternary "none" (keys $gpus | sortAlpha | join ", ") (empty $gpus))) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- /* Tenant namespaces must not be the control plane's */}}
{{- range $tenant, $_ := $v.cluster.tenants }}
{{- if eq (printf "%s%s" $v.cluster.namespacePrefix $tenant) $.Release.Namespace }}
{{- $problems = append $problems (printf "cluster.tenants.%s: its namespace %s%s is the release namespace, where the control plane runs; install into another namespace or change cluster.namespacePrefix." $tenant $v.cluster.namespacePrefix $tenant) }}
{{- end }}
{{- end }}
{{- if $problems }}
{{- fail (printf "\n\nThe values have %d problem(s):\n  - %s\n" (len $problems) (join "\n  - " $problems)) }}
{{- end }}
{{- end }}

{{/*
Warnings for NOTES.txt: things that install but will not work as people expect.
*/}}
{{- define "warren.warnings" -}}
{{- $v := .Values }}
{{- $warnings := list }}
{{- if and (gt (int $v.replicaCount) 1) (not $v.auth.stickySessions) }}
{{- $warnings = append $warnings (printf "replicaCount is %d but auth.stickySessions is false: sessions and login links live in each replica's data folder, so a browser sent to another replica is signed out%s. Configure cookie affinity on the ingress or Gateway and set auth.stickySessions, or run one replica." (int $v.replicaCount) (ternary " (the users file is read by every replica, but its sessions are not shared)" "" (not (empty $v.auth.usersSecret)))) }}
{{- end }}
{{- if and (or $v.ingress.enabled $v.httpRoute.enabled) (not $v.trustProxy) }}
{{- $warnings = append $warnings "trustProxy is empty: behind the ingress or Gateway every client has the proxy's address, so the sign-in limits count everyone together. Set it to the proxy pods' CIDRs." }}
{{- end }}
{{- if hasPrefix "localhost/" $v.image.repository }}
{{- $warnings = append $warnings (printf "image.repository is %s: nodes pull it only if it was loaded onto them; push it to a registry and set image.repository and image.digest." $v.image.repository) }}
{{- end }}
{{- $ws := include "warren.workspaceImage" . }}
{{- if hasPrefix "localhost/" $ws }}
{{- $warnings = append $warnings (printf "the workspace image is %s: nodes pull it only if it was loaded onto them; push it to a registry and set workspaceImage.repository and workspaceImage.digest." $ws) }}
{{- end }}
{{- $gpus := include "warren.gpuResources" . | fromJson }}
{{- if and $v.workspaceImage.cuda.enabled (empty $gpus) }}
{{- $warnings = append $warnings "workspaceImage.cuda.enabled with no GPU class: every workspace runs the larger CUDA image for nothing." }}
{{- end }}
{{- if not (or $v.ingress.enabled $v.httpRoute.enabled) }}
{{- $warnings = append $warnings (printf "neither ingress.enabled nor httpRoute.enabled: route %s and *.%s to the Service's http port yourself." $v.host $v.host) }}
{{- end }}
{{- /* GPU resources no node advertises; lookup answers nothing under helm template and --dry-run */}}
{{- if $gpus }}
{{- $nodes := lookup "v1" "Node" "" "" }}
{{- if and $nodes $nodes.items }}
{{- range $resource, $classes := $gpus }}
{{- $found := false }}
{{- range $nodes.items }}
{{- if and .status .status.allocatable (hasKey .status.allocatable $resource) }}{{ $found = true }}{{ end }}
{{- end }}
{{- if not $found }}
{{- $warnings = append $warnings (printf "no node advertises %s, which the classes %s ask for: their workspaces wait, then fail. Install the device plugin (the NVIDIA GPU operator), or fix gpuResource." $resource (join ", " $classes)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- toJson $warnings }}
{{- end }}

{{/*
The checksum of the configuration, so that a change rolls the pods.
*/}}
{{- define "warren.configChecksum" -}}
{{- printf "%s\n%s" (include "warren.clusterSettings" .) (toJson .Values.classes) | sha256sum }}
{{- end }}
