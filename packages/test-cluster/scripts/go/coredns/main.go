// Command coredns is the test cluster's DNS: CoreDNS with only the plugins the real node's Corefile uses
// (real-node.sh), so that it builds in minutes instead of pulling every cloud provider's SDK.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/kubernetes"
)

// The order in which a query passes the plugins (CoreDNS's plugin.cfg order for these).
func init() {
	dnsserver.Directives = []string{"bind", "errors", "kubernetes", "cache", "forward"}
}

func main() { coremain.Run() }
