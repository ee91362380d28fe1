//! Which address a request came from, for the throttle and the audit log.
//!
//! Behind a reverse proxy every request comes from the proxy, so one
//! guesser would throttle everybody. `serve --trusted-proxy` names the
//! proxies whose `X-Forwarded-For` we believe. That header is a list each
//! proxy appends to; only the entries our own proxies added can be trusted,
//! so the client is the rightmost address that is not one of them (what
//! MDN and OWASP advise). Without trusted proxies the header is ignored:
//! anyone can send it.

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The client's address, given the TCP peer, the request's headers and the
/// trusted proxies.
pub fn client_addr(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(&canonical(*ip)));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut hops: Vec<Option<IpAddr>> = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let Ok(value) = value.to_str() else { return peer };
        hops.extend(value.split(',').map(|hop| parse_hop(hop.trim())));
    }
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        // A hop that does not parse was written by someone we cannot trust
        // to have written the rest: stop at the last address we believe.
        let Some(ip) = hop else { break };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    canonical(client)
}

/// An IPv4 address seen through an IPv6 socket (`::ffff:10.0.0.1`) is the
/// IPv4 address, so that `10.0.0.0/8` matches it.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 @ IpAddr::V4(_) => v4,
    }
}

/// One entry of `X-Forwarded-For`; some proxies add a port or brackets.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Ok(socket) = hop.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    hop.strip_prefix('[').and_then(|h| h.strip_suffix(']')).and_then(|h| h.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append("x-forwarded-for", v.parse().unwrap());
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        assert_eq!(client_addr(ip("10.0.0.1"), &headers(&["1.2.3.4"]), &[]), ip("10.0.0.1"));
    }

    #[test]
    fn from_a_trusted_proxy_the_rightmost_untrusted_address_counts() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "127.0.0.1/32".parse().unwrap()];
        let peer = ip("127.0.0.1");
        // The client may put anything in front; our proxies append after it.
        assert_eq!(client_addr(peer, &headers(&["6.6.6.6, 1.2.3.4"]), &trusted), ip("1.2.3.4"));
        assert_eq!(client_addr(peer, &headers(&["6.6.6.6, 1.2.3.4, 10.1.1.1"]), &trusted), ip("1.2.3.4"));
        assert_eq!(client_addr(peer, &headers(&["6.6.6.6", "1.2.3.4"]), &trusted), ip("1.2.3.4"));
        assert_eq!(client_addr(peer, &headers(&["[2001:db8::1]:4711"]), &trusted), ip("2001:db8::1"));
        assert_eq!(client_addr(peer, &headers(&["1.2.3.4:80"]), &trusted), ip("1.2.3.4"));
        // Nothing forwarded, or garbage: the proxy itself.
        assert_eq!(client_addr(peer, &HeaderMap::new(), &trusted), peer);
        assert_eq!(client_addr(peer, &headers(&["nonsense"]), &trusted), peer);
        // Garbage left of a good address stops the walk at the good one.
        assert_eq!(client_addr(peer, &headers(&["nonsense, 1.2.3.4"]), &trusted), ip("1.2.3.4"));
        // Only proxies all the way: the leftmost one.
        assert_eq!(client_addr(peer, &headers(&["10.2.2.2"]), &trusted), ip("10.2.2.2"));
    }

    #[test]
    fn an_untrusted_peer_cannot_claim_another_address() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        assert_eq!(client_addr(ip("8.8.8.8"), &headers(&["1.2.3.4"]), &trusted), ip("8.8.8.8"));
        // An IPv4 proxy seen through an IPv6 socket is still trusted.
        assert_eq!(client_addr(ip("::ffff:10.0.0.7"), &headers(&["1.2.3.4"]), &trusted), ip("1.2.3.4"));
    }
}
