// Command etcd is etcd's own entry point, built at the version Kubernetes pins in its go.mod,
// so the control plane's etcd matches what that Kubernetes release is tested with.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
