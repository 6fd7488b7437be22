output "cluster_id" {
  value = digitalocean_kubernetes_cluster.runlet.id
}

output "cluster_endpoint" {
  value = digitalocean_kubernetes_cluster.runlet.endpoint
}

output "kubeconfig" {
  description = "kubeconfig of the cluster (for the deploy workflow's secret)"
  value       = digitalocean_kubernetes_cluster.runlet.kube_config[0].raw_config
  sensitive   = true
}

output "registry_endpoint" {
  description = "RUNLET_REGISTRY and the images' prefix"
  value       = digitalocean_container_registry.runlet.endpoint
}

output "registry_docker_credentials" {
  description = "docker config JSON for the Secret runlet-registry"
  value       = digitalocean_container_registry_docker_credentials.runlet.docker_credentials
  sensitive   = true
}
