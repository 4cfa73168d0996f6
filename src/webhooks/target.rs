//! Where webhooks may be sent: the SSRF guard. A target is `https` (or `http` when the
//! operator allows it) and must reach only public addresses: loopback, private, link-local,
//! shared, documentation, multicast and other reserved ranges are refused when a
//! subscription is made, and again at every delivery, by the resolver the delivery client
//! connects through (a name may resolve elsewhere by then), unless the operator allows
//! private targets.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// What the operator allows.
#[derive(Debug, Clone, Copy)]
pub struct TargetPolicy {
    pub allow_private: bool,
    pub allow_http: bool,
}

/// Whether `ip` is an address of the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (s[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x0064 && s[1] == 0xff9b) // NAT64: reaches IPv4 space
                || (s[0] == 0x2002) // 6to4: reaches IPv4 space
                || (s[0] == 0x2001 && s[1] == 0)) // Teredo
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0 // "this network"
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // documentation
        || (a == 192 && b == 88 && c == 99) // 6to4 relay
        || (a == 192 && b == 168)
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || (a == 198 && b == 51 && c == 100) // documentation
        || (a == 203 && b == 0 && c == 113) // documentation
        || a >= 224) // multicast, reserved, broadcast
}

impl TargetPolicy {
    /// Checks a target URL's form: scheme, host, no credentials; `Err` says what is wrong.
    pub fn parse(&self, raw: &str) -> Result<Url, String> {
        let url = Url::parse(raw).map_err(|_| "must be an absolute URL".to_string())?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => return Err("must use https".into()),
            _ => return Err("must be an https URL".into()),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(
                "must not hold credentials (the signature authenticates deliveries)".into(),
            );
        }
        if url.fragment().is_some() {
            return Err("must not have a fragment".into());
        }
        match url.host() {
            None => Err("must name a host".into()),
            Some(Host::Ipv4(ip)) => self.address_allowed(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => self.address_allowed(IpAddr::V6(ip)),
            Some(Host::Domain(_)) => Ok(()),
        }
        .map(|()| url)
    }

    fn address_allowed(&self, ip: IpAddr) -> Result<(), String> {
        if self.allow_private || is_public(ip) {
            Ok(())
        } else {
            Err(format!(
                "resolves to {ip}, which is not a public address; webhooks go to public addresses only"
            ))
        }
    }

    /// Checks the form, then that the host resolves, to allowed addresses only.
    pub async fn check(&self, raw: &str) -> Result<Url, String> {
        let url = self.parse(raw)?;
        if let Some(Host::Domain(domain)) = url.host() {
            let port = url.port_or_known_default().unwrap_or(443);
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((domain, port))
                .await
                .map_err(|_| format!("its host `{domain}` does not resolve"))?
                .collect();
            if addresses.is_empty() {
                return Err(format!("its host `{domain}` does not resolve"));
            }
            for address in addresses {
                self.address_allowed(address.ip())?;
            }
        }
        Ok(url)
    }

    /// The resolver deliveries connect through: it drops the addresses the policy refuses.
    pub fn resolver(self) -> Arc<PolicyResolver> {
        Arc::new(PolicyResolver(self))
    }
}

/// Resolves with the system resolver and keeps only allowed addresses; a name left with none
/// fails to connect.
#[derive(Debug)]
pub struct PolicyResolver(TargetPolicy);

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.0;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let allowed: Vec<SocketAddr> = found
                .filter(|a| policy.allow_private || is_public(a.ip()))
                .collect();
            if allowed.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: TargetPolicy = TargetPolicy {
        allow_private: false,
        allow_http: false,
    };

    #[test]
    fn private_loopback_link_local_and_reserved_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "198.18.0.1",
            "::1",
            "::",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn a_target_must_be_https_without_credentials_and_not_a_private_address() {
        assert!(STRICT.parse("https://hooks.example.org/coop").is_ok());
        assert!(STRICT.parse("http://hooks.example.org/coop").is_err());
        assert!(STRICT.parse("ftp://hooks.example.org/").is_err());
        assert!(STRICT.parse("https://user:pw@hooks.example.org/").is_err());
        assert!(STRICT.parse("https://127.0.0.1/").is_err());
        assert!(STRICT.parse("https://[::1]:8443/").is_err());
        assert!(STRICT.parse("hooks.example.org").is_err());
        let open = TargetPolicy {
            allow_private: true,
            allow_http: true,
        };
        assert!(open.parse("http://127.0.0.1:9000/hook").is_ok());
    }
}
