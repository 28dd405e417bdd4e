# A demo app that builds on a demo network: `network_id` and `admin_password` come from the network's outputs.

variable "network_id" {
  type        = string
  description = "Set from the parent network's output network_id."
}

variable "admin_password" {
  type        = string
  description = "Set from the parent network's sensitive output admin_password."
  sensitive   = true
}

variable "replicas" {
  type        = number
  description = "How many app instances to run."
  default     = 1
}

resource "terraform_data" "app" {
  count = var.replicas
  input = "app #${count.index} on ${var.network_id}"
}

output "placed_on" {
  description = "Where each instance runs."
  value       = terraform_data.app[*].output
}

output "password_length" {
  description = "Shows the wired secret arrived, without showing it."
  value       = nonsensitive(length(var.admin_password))
}
