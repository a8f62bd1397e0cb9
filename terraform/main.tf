# Kafka topics of the AHS Field Service event catalog (resources in topics.tf, generated).
terraform {
  required_version = ">= 1.5"
  required_providers {
    kafka = {
      source  = "Mongey/kafka"
      version = "~> 0.12"
    }
  }
}

provider "kafka" {
  bootstrap_servers = var.bootstrap_servers
  tls_enabled       = var.tls_enabled
  sasl_username     = var.sasl_username
  sasl_password     = var.sasl_password
  sasl_mechanism    = var.sasl_mechanism
}
