variable "region" {
  description = "AWS region of the log group"
  type        = string
  default     = "eu-west-1"
}

variable "log_group_name" {
  description = "CloudWatch Logs group Runlet writes to (RUNLET_CLOUDWATCH_LOG_GROUP)"
  type        = string
  default     = "/runlet/production"
}

variable "retention_in_days" {
  description = "How long CloudWatch keeps script logs"
  type        = number
  default     = 30
}

variable "iam_user_name" {
  description = "IAM user whose access key the platform uses for the CloudWatch sink"
  type        = string
  default     = "runlet-log-writer"
}

variable "tags" {
  description = "Tags on every resource"
  type        = map(string)
  default     = { app = "runlet" }
}
