# The demo template: only built-in providers, so it runs offline with any engine.

variable "greeting" {
  type        = string
  description = "What the resource says."
  default     = "hello"
}

variable "name" {
  type        = string
  description = "Who it greets."
}

variable "replicas" {
  type        = number
  description = "How many greeters to make."
  default     = 1
}

variable "api_key" {
  type        = string
  description = "A secret the module uses; never shown by the platform."
  sensitive   = true
  default     = null
}

resource "terraform_data" "greeter" {
  count = var.replicas
  input = "${var.greeting}, ${var.name} #${count.index}"

  provisioner "local-exec" {
    command = "echo provisioning greeter ${count.index}"
  }
}

output "messages" {
  description = "One message per greeter."
  value       = terraform_data.greeter[*].output
}

output "api_key_length" {
  description = "How long the secret was (sensitive on purpose, to show masking)."
  value       = var.api_key == null ? 0 : length(var.api_key)
  sensitive   = true
}
