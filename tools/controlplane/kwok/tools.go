//go:build tools

// Package tools keeps kwok's command in this module's requirements; kwok is built in a module
// of its own because its dependency versions differ from Kubernetes'.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
