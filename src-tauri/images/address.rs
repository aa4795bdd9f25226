//! Where an answer image may be fetched from: public addresses only, never the person's own
//! machine or network (#18 item 2).
//!
//! A page that has been taken over, or a model that was talked into it, must not use the app to
//! reach `127.0.0.1`, the router, a printer or a cloud metadata service (`169.254.169.254`). One
//! predicate, [`is_public`], decides for every address: those a host name resolves to (through
//! [`PublicResolver`], which is the only resolver the image client uses, so the connection goes
//! to an address that was checked and a second lookup cannot rebind the name), and those written
//! in the URL itself, which reqwest connects to without asking any resolver ([`Policy::check_url`]).
//!
//! Besides the address, a URL must be `http`/`https`, carry no user name or password, and use its
//! scheme's default port: image hosts are web servers, and other ports only widen what a URL
//! could poke at. The one exception is the e2e tests' local server ([`Policy::from_env`]).
//!
//! One piece (over 400 lines with its tests): one predicate, `is_public`, and the resolver that
//! applies it; half of the file is the table of addresses it is tested on.

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// Set to `1` in a debug build, answer images may also come from loopback (`127.0.0.0/8`, `::1`),
/// on any port: the e2e tests serve theirs from a local server. A release build ignores it.
pub const ALLOW_LOOPBACK_ENV: &str = "CITEWISE_TEST_ALLOW_LOOPBACK_IMAGES";

/// Why an address or URL was refused: for the log only. The page gets one sentence for every
/// failure ([`super::Error::Unavailable`]), so it cannot tell a refused address from a closed port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// Which addresses the image client may connect to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    allow_loopback: bool,
}

impl Policy {
    /// Public addresses only: what people's builds always use.
    pub fn public_only() -> Policy {
        Policy { allow_loopback: false }
    }

    /// Public addresses and loopback, on any port: for tests against a local server only.
    pub fn with_loopback_for_tests() -> Policy {
        Policy { allow_loopback: true }
    }

    /// [`Policy::public_only`], unless this is a debug build *and* [`ALLOW_LOOPBACK_ENV`] is `1`:
    /// a build made for people cannot be switched by an environment variable.
    pub fn from_env() -> Policy {
        let asked = std::env::var(ALLOW_LOOPBACK_ENV).is_ok_and(|v| v == "1");
        if cfg!(debug_assertions) && asked {
            log::warn!("{ALLOW_LOOPBACK_ENV}=1: answer images may come from loopback (test build)");
            Policy::with_loopback_for_tests()
        } else {
            Policy::public_only()
        }
    }

    pub fn allows_loopback(self) -> bool {
        self.allow_loopback
    }

    /// True when the client may connect to `ip`.
    pub fn allows(self, ip: IpAddr) -> bool {
        is_public(ip) || (self.allow_loopback && ip.to_canonical().is_loopback())
    }

    /// Checks everything about `url` that can be checked before connecting: scheme, no
    /// credentials, default port, and the address when the host is one. A host name is checked
    /// when it is resolved ([`PublicResolver`]).
    pub fn check_url(self, url: &Url) -> Result<(), Refused> {
        if !crate::links::is_web_scheme(url.scheme()) {
            return Err(Refused(format!("the scheme {:?} is not http or https", url.scheme())));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Refused("the URL carries a user name or password".into()));
        }
        // `Url::port` is `None` for the scheme's default port, however it was written.
        if let Some(port) = url.port().filter(|_| !self.allow_loopback) {
            return Err(Refused(format!("port {port} is not the scheme's default")));
        }
        let ip: IpAddr = match url.host() {
            Some(Host::Ipv4(ip)) => ip.into(),
            Some(Host::Ipv6(ip)) => ip.into(),
            Some(Host::Domain(name)) if !name.is_empty() => return Ok(()),
            _ => return Err(Refused("the URL has no host".into())),
        };
        if self.allows(ip) {
            Ok(())
        } else {
            Err(Refused(format!("{ip} is not a public address")))
        }
    }

    /// The addresses of `found` the client may connect to; an error when none is left.
    pub fn keep(self, host: &str, found: impl IntoIterator<Item = SocketAddr>) -> Result<Vec<SocketAddr>, Refused> {
        let (kept, dropped): (Vec<SocketAddr>, Vec<SocketAddr>) = found.into_iter().partition(|a| self.allows(a.ip()));
        if !dropped.is_empty() {
            let list: Vec<String> = dropped.iter().map(|a| a.ip().to_string()).collect();
            log::debug!("{host}: left out addresses that are not public: {}", list.join(", "));
        }
        if kept.is_empty() {
            return Err(Refused(format!("{host} has no public address")));
        }
        Ok(kept)
    }
}

/// True for an address on the public internet; false for the machine itself, private and
/// carrier networks, link-local, multicast, documentation, benchmarking and reserved ranges, and
/// every IPv6 form that embeds such an IPv4 address (mapped, compatible, NAT64, 6to4).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let special = a == 0 // "this network", 0.0.0.0 included
        || a == 10 // private
        || (a == 100 && b & 0xC0 == 64) // carrier-grade NAT, 100.64.0.0/10
        || a == 127 // loopback
        || (a == 169 && b == 254) // link-local, cloud metadata services
        || (a == 172 && b & 0xF0 == 16) // private, 172.16.0.0/12
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // documentation (TEST-NET-1)
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast
        || (a == 192 && b == 168) // private
        || (a == 198 && b & 0xFE == 18) // benchmarking, 198.18.0.0/15
        || (a == 198 && b == 51 && c == 100) // documentation (TEST-NET-2)
        || (a == 203 && b == 0 && c == 113) // documentation (TEST-NET-3)
        || a >= 224; // multicast, reserved 240.0.0.0/4, broadcast
    !special
}

/// The IPv4 address an IPv6 one stands for: IPv4-mapped `::ffff:0:0/96`, IPv4-compatible
/// `::/96` (`::` and `::1` included, as `0.0.0.0` and `0.0.0.1`), NAT64 `64:ff9b::/96` and
/// 6to4 `2002::/16`.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let o = ip.octets();
    let last = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    match s {
        [0, 0, 0, 0, 0, 0xFFFF, _, _] | [0, 0, 0, 0, 0, 0, _, _] | [0x64, 0xFF9B, 0, 0, 0, 0, _, _] => Some(last),
        [0x2002, ..] => Some(Ipv4Addr::new(o[2], o[3], o[4], o[5])),
        _ => None,
    }
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    // Only global unicast, 2000::/3. That leaves out ULA fc00::/7, link-local fe80::/10,
    // site-local fec0::/10, multicast ff00::/8, discard 100::/64, local NAT64 64:ff9b:1::/48
    // and the SIIT form ::ffff:0:a.b.c.d.
    if s[0] & 0xE000 != 0x2000 {
        return false;
    }
    let special = match s[0] {
        // IETF assignments (Teredo, benchmarking, ORCHID), 2001::/23; documentation, 2001:db8::/32.
        0x2001 => s[1] < 0x0200 || s[1] == 0x0DB8,
        // Documentation, 3fff::/20.
        0x3FFF => s[1] < 0x1000,
        _ => false,
    };
    !special
}

/// Looks a host name up through the system resolver.
fn system_lookup(host: &str) -> io::Result<Vec<SocketAddr>> {
    Ok((host, 0).to_socket_addrs()?.collect())
}

/// The image client's resolver: the system's answers, less every address [`Policy::allows`]
/// refuses; an error when nothing is left.
pub struct PublicResolver {
    policy: Policy,
    lookup: fn(&str) -> io::Result<Vec<SocketAddr>>,
}

impl PublicResolver {
    pub fn new(policy: Policy) -> PublicResolver {
        PublicResolver { policy, lookup: system_lookup }
    }

    /// With another lookup in place of the system's (tests).
    pub fn with_lookup(policy: Policy, lookup: fn(&str) -> io::Result<Vec<SocketAddr>>) -> PublicResolver {
        PublicResolver { policy, lookup }
    }
}

impl Resolve for PublicResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let (policy, lookup) = (self.policy, self.lookup);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // getaddrinfo blocks: off the async threads, as reqwest's own resolver does.
            let asked = host.clone();
            let found = tokio::task::spawn_blocking(move || lookup(&asked)).await??;
            let kept = policy.keep(&host, found)?;
            Ok(Box::new(kept.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    /// Every range the issue names, a few around their edges, and every IPv6 disguise of them.
    const NOT_PUBLIC: &[&str] = &[
        "0.0.0.0",
        "0.1.2.3",
        "10.0.0.1",
        "10.255.255.255",
        "100.64.0.1",
        "100.127.255.254",
        "127.0.0.1",
        "127.1.2.3",
        "169.254.169.254",
        "169.254.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.0.0.8",
        "192.0.2.1",
        "192.88.99.1",
        "192.168.1.1",
        "198.18.0.1",
        "198.19.255.255",
        "198.51.100.7",
        "203.0.113.9",
        "224.0.0.251",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "fe80::1",
        "febf::1",
        "fec0::1",
        "fc00::1",
        "fd12:3456:789a::1",
        "ff02::1",
        "ff0e::fb",
        "100::1",
        "2001:db8::1",
        "3fff::1",
        "2001::1",
        "2001:2::1",
        "2001:10::1",
        "64:ff9b:1::a00:1",
        // IPv4-mapped, IPv4-compatible, NAT64 and 6to4 forms of private addresses.
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:0.0.0.0",
        "::127.0.0.1",
        "::10.0.0.1",
        "64:ff9b::a00:1",
        "64:ff9b::7f00:1",
        "64:ff9b::a9fe:a9fe",
        "2002:7f00:1::",
        "2002:a00:1::1",
        "2002:c0a8:101::1",
        "::ffff:0:10.0.0.1",
    ];

    const PUBLIC: &[&str] = &[
        "1.1.1.1",
        "8.8.8.8",
        "93.184.216.34",
        "100.63.255.255",
        "100.128.0.1",
        "172.15.255.255",
        "172.32.0.1",
        "192.0.1.1",
        "198.17.255.255",
        "198.20.0.1",
        "223.255.255.254",
        "2606:4700::1111",
        "2a00:1450:4001:81b::200e",
        "2001:4860:4860::8888",
        "::ffff:1.1.1.1",
        "64:ff9b::101:101",
        "2002:101:101::1",
    ];

    #[test]
    fn private_loopback_link_local_and_the_like_are_not_public() {
        for a in NOT_PUBLIC {
            assert!(!is_public(ip(a)), "{a} must be refused");
            assert!(!Policy::public_only().allows(ip(a)), "{a}");
        }
    }

    #[test]
    fn public_addresses_are() {
        for a in PUBLIC {
            assert!(is_public(ip(a)), "{a} must be allowed");
        }
    }

    #[test]
    fn the_test_switch_adds_loopback_and_nothing_else() {
        let test = Policy::with_loopback_for_tests();
        for a in ["127.0.0.1", "127.9.9.9", "::1", "::ffff:127.0.0.1"] {
            assert!(test.allows(ip(a)), "{a}");
            assert!(!Policy::public_only().allows(ip(a)), "{a}");
        }
        for a in NOT_PUBLIC.iter().filter(|a| !ip(a).to_canonical().is_loopback()) {
            assert!(!test.allows(ip(a)), "{a} must stay refused with the test switch on");
        }
    }

    #[test]
    fn the_test_switch_is_off_unless_asked_for() {
        // Without the variable (the test environment does not set it) the policy is public-only;
        // a release build ignores the variable altogether (`cfg!(debug_assertions)`).
        if std::env::var_os(ALLOW_LOOPBACK_ENV).is_none() {
            assert_eq!(Policy::from_env(), Policy::public_only());
        }
        assert_eq!(Policy::default(), Policy::public_only());
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn urls_with_a_refused_address_scheme_credentials_or_port_are_refused() {
        let public = Policy::public_only();
        for ok in [
            "https://images.example/a.png",
            "http://images.example/a.png",
            "https://images.example:443/a.png",
            "https://1.1.1.1/a.png",
            "https://[2606:4700::1111]/a.png",
            "https://localhost/a.png", // refused by the resolver, not here
        ] {
            assert_eq!(public.check_url(&url(ok)), Ok(()), "{ok}");
        }
        for bad in [
            "http://127.0.0.1/a.png",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/a.png",
            "http://100.64.0.1/a.png",
            "http://[::1]/a.png",
            "http://[::ffff:127.0.0.1]/a.png",
            "http://[fd00::1]/a.png",
            "http://[fe80::1]/a.png",
            "http://[64:ff9b::a00:1]/a.png",
            "http://[2002:7f00:1::]/a.png",
            // Other spellings of 127.0.0.1 that URL parsers accept.
            "http://2130706433/a.png",
            "http://0x7f.1/a.png",
            "http://0177.0.0.1/a.png",
            "http://127.1/a.png",
            "http://0/a.png",
            "ftp://images.example/a.png",
            "file:///etc/passwd",
            "https://user:secret@images.example/a.png",
            "https://user@images.example/a.png",
            "https://images.example:8443/a.png",
            "http://images.example:22/a.png",
            "http://images.example:443/a.png",
        ] {
            assert!(public.check_url(&url(bad)).is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn with_the_test_switch_loopback_urls_on_any_port_pass_and_private_ones_do_not() {
        let test = Policy::with_loopback_for_tests();
        assert_eq!(test.check_url(&url("http://127.0.0.1:8765/__mock/image/1.png")), Ok(()));
        assert_eq!(test.check_url(&url("http://[::1]:8765/a.png")), Ok(()));
        for bad in ["http://10.0.0.1:8765/a.png", "http://169.254.169.254/", "https://u:p@127.0.0.1:1/"] {
            assert!(test.check_url(&url(bad)).is_err(), "{bad}");
        }
    }

    fn lookup_mixed(_: &str) -> io::Result<Vec<SocketAddr>> {
        Ok(["10.0.0.1:0", "93.184.216.34:0", "[fd00::1]:0", "[2606:4700::1111]:0", "[::ffff:127.0.0.1]:0"]
            .iter()
            .map(|a| a.parse().unwrap())
            .collect())
    }

    fn lookup_private(_: &str) -> io::Result<Vec<SocketAddr>> {
        Ok(vec!["127.0.0.1:0".parse().unwrap(), "169.254.169.254:0".parse().unwrap()])
    }

    fn lookup_none(_: &str) -> io::Result<Vec<SocketAddr>> {
        Err(io::Error::new(io::ErrorKind::NotFound, "no such host"))
    }

    async fn resolve(
        resolver: PublicResolver,
        host: &str,
    ) -> Result<Vec<IpAddr>, Box<dyn std::error::Error + Send + Sync>> {
        let name: Name = host.parse().unwrap();
        Ok(resolver.resolve(name).await?.map(|a| a.ip()).collect())
    }

    #[tokio::test]
    async fn the_resolver_drops_private_answers_and_fails_when_none_is_left() {
        let public = Policy::public_only();
        let kept = resolve(PublicResolver::with_lookup(public, lookup_mixed), "mixed.example").await.unwrap();
        assert_eq!(kept, [ip("93.184.216.34"), ip("2606:4700::1111")]);
        let err = resolve(PublicResolver::with_lookup(public, lookup_private), "rebind.example").await.unwrap_err();
        assert!(err.to_string().contains("no public address"), "{err}");
        assert!(resolve(PublicResolver::with_lookup(public, lookup_none), "nowhere.example").await.is_err());
        // The test switch lets loopback through, and still nothing private.
        let test = Policy::with_loopback_for_tests();
        let kept = resolve(PublicResolver::with_lookup(test, lookup_private), "local.example").await.unwrap();
        assert_eq!(kept, [ip("127.0.0.1")]);
    }

    #[tokio::test]
    async fn the_system_resolver_is_filtered_too() {
        // `localhost` resolves to loopback on every system: refused, whatever else it says.
        let err = resolve(PublicResolver::new(Policy::public_only()), "localhost").await.unwrap_err();
        assert!(err.to_string().contains("no public address"), "{err}");
    }
}
