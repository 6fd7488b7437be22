variable "cluster_name" {
  description = "Name of the DigitalOcean Kubernetes cluster"
  type        = string
  default     = "runlet"
}

variable "region" {
  description = "DigitalOcean region"
  type        = string
  default     = "fra1"
}

variable "kubernetes_version_prefix" {
  description = "Kubernetes minor version; the newest patch release of it is used"
  type        = string
  default     = "1.31."
}

variable "node_size" {
  description = "Droplet size of the node pool"
  type        = string
  default     = "s-2vcpu-4gb"
}

variable "node_min" {
  description = "Fewest nodes the pool autoscales to"
  type        = number
  default     = 2
}

variable "node_max" {
  description = "Most nodes the pool autoscales to"
  type        = number
  default     = 5
}

variable "registry_name" {
  description = "Name of the container registry (registry.digitalocean.com/<name>)"
  type        = string
  default     = "runlet"
}

variable "registry_tier" {
  description = "Registry subscription tier: starter, basic or professional"
  type        = string
  default     = "basic"
}

variable "tags" {
  description = "Tags on the cluster and its nodes"
  type        = list(string)
  default     = ["runlet"]
}
