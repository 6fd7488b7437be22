output "log_group_name" {
  description = "RUNLET_CLOUDWATCH_LOG_GROUP"
  value       = aws_cloudwatch_log_group.runlet.name
}

output "log_group_arn" {
  value = aws_cloudwatch_log_group.runlet.arn
}

output "access_key_id" {
  description = "AWS_ACCESS_KEY_ID for the Secret runlet-secrets (aws-access-key-id)"
  value       = aws_iam_access_key.writer.id
}

output "secret_access_key" {
  description = "AWS_SECRET_ACCESS_KEY for the Secret runlet-secrets (aws-secret-access-key)"
  value       = aws_iam_access_key.writer.secret
  sensitive   = true
}
