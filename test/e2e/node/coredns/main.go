// Command coredns is the cluster DNS of the suite's real node: CoreDNS with only the plugins its
// Corefile uses (bind, errors, kubernetes), so that pods reach Services by name. Built from
// CoreDNS's own module; without its other fifty plugins (clouds, etcd, dnstap) the build takes a
// fraction of the time, and it never forwards a query anywhere.
package main

import (
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/kubernetes"

	"github.com/coredns/coredns/coremain"
)

func main() {
	coremain.Run()
}
