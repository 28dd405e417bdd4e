# A demo network: other demo templates build on it (its outputs are wired into their variables).

variable "cidr" {
  type        = string
  description = "The address range of the network."
  default     = "10.0.0.0/16"
}

resource "terraform_data" "network" {
  input = "net-${var.cidr}"
}

output "network_id" {
  description = "The network's id, wired into the apps built on it."
  value       = terraform_data.network.output
}

output "admin_password" {
  description = "A password made by the network (sensitive: wired sealed, never shown)."
  value       = "pw-${sha1(terraform_data.network.id)}"
  sensitive   = true
}
