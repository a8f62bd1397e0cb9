variable "bootstrap_servers" {
  description = "Kafka bootstrap addresses (host:port)."
  type        = list(string)
  default     = ["kafka-bootstrap.kafka:9092"]
}

variable "tls_enabled" {
  description = "Connect to Kafka over TLS. Set false only for a plaintext listener."
  type        = bool
  default     = true
}

variable "sasl_username" {
  description = "SASL user for topic administration; null when the cluster uses no SASL."
  type        = string
  default     = null
}

variable "sasl_password" {
  description = "SASL password (pass it as TF_VAR_sasl_password, never in a .tfvars file)."
  type        = string
  default     = null
  sensitive   = true
}

variable "sasl_mechanism" {
  description = "SASL mechanism: plain, scram-sha256 or scram-sha512."
  type        = string
  default     = "scram-sha512"
}

variable "partitions" {
  description = "Partitions per topic. Ordered consumers run one event per partition at a time, so this bounds a subscription's parallelism. Adding partitions later remaps keys: per-key order is lost for events in flight."
  type        = number
  default     = 12
}

variable "partitions_overrides" {
  description = "Partitions for specific topics, by topic name."
  type        = map(number)
  default     = {}
}

variable "replication_factor" {
  description = "Replicas per partition."
  type        = number
  default     = 3
}

variable "min_insync_replicas" {
  description = "Replicas that must acknowledge a write (with acks=all, as the idempotent producer uses)."
  type        = number
  default     = 2
}

variable "retention_ms" {
  description = "How long events stay on a topic, in milliseconds (default 7 days)."
  type        = number
  default     = 604800000
}

variable "retention_ms_overrides" {
  description = "Retention for specific topics, by topic name, in milliseconds."
  type        = map(number)
  default     = {}
}
