data "digitalocean_kubernetes_versions" "current" {
  version_prefix = var.kubernetes_version_prefix
}

resource "digitalocean_container_registry" "runlet" {
  name                   = var.registry_name
  subscription_tier_slug = var.registry_tier
  region                 = var.region
}

resource "digitalocean_kubernetes_cluster" "runlet" {
  name          = var.cluster_name
  region        = var.region
  version       = data.digitalocean_kubernetes_versions.current.latest_version
  auto_upgrade  = true
  surge_upgrade = true
  # The cluster pulls from the registry: DigitalOcean adds its pull secret to every namespace.
  registry_integration = true
  tags                 = var.tags

  node_pool {
    name       = "${var.cluster_name}-pool"
    size       = var.node_size
    auto_scale = true
    min_nodes  = var.node_min
    max_nodes  = var.node_max
    tags       = var.tags
  }

  maintenance_policy {
    day        = "sunday"
    start_time = "04:00"
  }

  depends_on = [digitalocean_container_registry.runlet]
}

# Credentials the builder pushes script images with (the Secret runlet-registry).
resource "digitalocean_container_registry_docker_credentials" "runlet" {
  registry_name = digitalocean_container_registry.runlet.name
  write         = true
}
