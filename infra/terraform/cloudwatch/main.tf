# One log group per installation (a stream per script, created by the platform), and an IAM user
# that may only create streams in it and put events into it.
resource "aws_cloudwatch_log_group" "runlet" {
  name              = var.log_group_name
  retention_in_days = var.retention_in_days
  tags              = var.tags
}

resource "aws_iam_user" "writer" {
  name = var.iam_user_name
  tags = var.tags
}

data "aws_iam_policy_document" "write_only" {
  statement {
    sid       = "WriteRunletLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = [aws_cloudwatch_log_group.runlet.arn, "${aws_cloudwatch_log_group.runlet.arn}:log-stream:*"]
  }
}

resource "aws_iam_user_policy" "write_only" {
  name   = "${var.iam_user_name}-write-only"
  user   = aws_iam_user.writer.name
  policy = data.aws_iam_policy_document.write_only.json
}

resource "aws_iam_access_key" "writer" {
  user = aws_iam_user.writer.name
}
