terraform {
  required_version = ">= 1.5.0"
  required_providers {
    digitalocean = {
      source  = "digitalocean/digitalocean"
      version = "= 2.46.1"
    }
  }
}

# The token comes from DIGITALOCEAN_TOKEN in the environment, never from a file in the repository.
provider "digitalocean" {}
