/**
 * A real Kubernetes control plane as local processes: etcd (Debian) and kube-apiserver,
 * kube-controller-manager and kube-scheduler v1.20.2 (built by {@code .ci/control-plane}). Token
 * authentication, RBAC and an audit log, so the operator can run with exactly the chart's
 * permissions and every request it makes can be counted.
 */
package io.pgshard.e2e.controlplane;
