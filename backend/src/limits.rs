//! Anti-automation for the auth endpoints, in memory (per server instance).
//!
//! - **Per address**: a token bucket over register, login, refresh and username checks
//!   ([`LimitPolicy::per_ip_burst`] requests, refilled over a minute).
//! - **Per account and address**: after [`LimitPolicy::free_failures`] wrong passwords in a row, each
//!   further attempt from that address must wait 1 s, 2 s, 4 s … up to [`LimitPolicy::max_backoff`].
//!   A success resets it. Keying by account *and* address is the point: someone guessing from elsewhere
//!   slows themselves down, never the real user (no lockout an attacker can trigger against a victim).
//!
//! State is bounded: entries idle for an hour are pruned. Behind several instances each keeps its own
//! counts; a shared store (PostgreSQL/Redis) is the scale-out step.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Limits in force.
#[derive(Clone, Copy, Debug)]
pub struct LimitPolicy {
    /// Requests an address may make at once; the bucket refills this many per minute.
    pub per_ip_burst: u32,
    /// Wrong passwords in a row before the backoff starts.
    pub free_failures: u32,
    /// Longest wait between attempts.
    pub max_backoff: Duration,
}

impl Default for LimitPolicy {
    fn default() -> Self {
        LimitPolicy {
            per_ip_burst: 60,
            free_failures: 5,
            max_backoff: Duration::from_secs(15 * 60),
        }
    }
}

impl LimitPolicy {
    /// No per-address limit (load tests); the failed-login backoff stays on.
    pub fn unlimited_requests() -> Self {
        LimitPolicy {
            per_ip_burst: u32::MAX,
            ..Self::default()
        }
    }
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

#[derive(Debug)]
struct Failures {
    count: u32,
    until: Instant,
    last: Instant,
}

#[derive(Debug, Default)]
struct State {
    buckets: HashMap<IpAddr, Bucket>,
    failures: HashMap<(String, IpAddr), Failures>,
}

/// The limiter shared by all requests of one server.
#[derive(Debug)]
pub struct Limits {
    policy: LimitPolicy,
    state: Mutex<State>,
}

const IDLE: Duration = Duration::from_secs(3600);
const PRUNE_ABOVE: usize = 10_000;

impl Limits {
    /// A limiter with `policy`.
    pub fn new(policy: LimitPolicy) -> Self {
        Limits {
            policy,
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Counters only: a panic elsewhere cannot leave them in a state worse than slightly off.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes one request from `ip`'s bucket; `Err(wait)` when it is empty.
    pub fn take_request(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.policy.per_ip_burst == u32::MAX {
            return Ok(());
        }
        let burst = f64::from(self.policy.per_ip_burst);
        let per_sec = burst / 60.0;
        let mut state = self.lock();
        if state.buckets.len() > PRUNE_ABOVE {
            state
                .buckets
                .retain(|_, b| now.duration_since(b.last) < IDLE);
        }
        let bucket = state.buckets.entry(ip).or_insert(Bucket {
            tokens: burst,
            last: now,
        });
        bucket.tokens =
            (bucket.tokens + now.duration_since(bucket.last).as_secs_f64() * per_sec).min(burst);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_sec)
                .max(Duration::from_secs(1)))
        }
    }

    /// Whether `account` may try a password from `ip` now; `Err(wait)` during a backoff.
    pub fn may_try_login(&self, account: &str, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let state = self.lock();
        match state.failures.get(&(account.to_owned(), ip)) {
            Some(f) if f.until > now => Err(f.until - now),
            _ => Ok(()),
        }
    }

    /// Records a wrong password for `account` from `ip`.
    pub fn login_failed(&self, account: &str, ip: IpAddr, now: Instant) {
        let mut state = self.lock();
        if state.failures.len() > PRUNE_ABOVE {
            state
                .failures
                .retain(|_, f| now.duration_since(f.last) < IDLE);
        }
        let f = state
            .failures
            .entry((account.to_owned(), ip))
            .or_insert(Failures {
                count: 0,
                until: now,
                last: now,
            });
        f.count += 1;
        f.last = now;
        if f.count >= self.policy.free_failures {
            let exponent = (f.count - self.policy.free_failures).min(20);
            let wait = Duration::from_secs(1u64 << exponent).min(self.policy.max_backoff);
            f.until = now + wait;
        }
    }

    /// Forgets the failures of `account` from `ip` after a correct password.
    pub fn login_succeeded(&self, account: &str, ip: IpAddr) {
        self.lock().failures.remove(&(account.to_owned(), ip));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn buckets_empty_and_refill() {
        let l = Limits::new(LimitPolicy {
            per_ip_burst: 3,
            ..LimitPolicy::default()
        });
        let t = Instant::now();
        for _ in 0..3 {
            l.take_request(A, t).expect("within burst");
        }
        let wait = l.take_request(A, t).expect_err("empty");
        assert!(wait >= Duration::from_secs(1));
        l.take_request(B, t).expect("other addresses are separate");
        l.take_request(A, t + Duration::from_secs(20))
            .expect("refilled one in 20 s");
    }

    #[test]
    fn failures_back_off_exponentially_per_account_and_address() {
        let l = Limits::new(LimitPolicy::default());
        let t = Instant::now();
        for _ in 0..4 {
            l.login_failed("ana@example.org", A, t);
            l.may_try_login("ana@example.org", A, t)
                .expect("free failures");
        }
        l.login_failed("ana@example.org", A, t);
        assert_eq!(
            l.may_try_login("ana@example.org", A, t),
            Err(Duration::from_secs(1))
        );
        l.login_failed("ana@example.org", A, t + Duration::from_secs(1));
        assert_eq!(
            l.may_try_login("ana@example.org", A, t + Duration::from_secs(1)),
            Err(Duration::from_secs(2))
        );
        // The real user elsewhere is not slowed down by the attacker at A.
        l.may_try_login("ana@example.org", B, t)
            .expect("other address");
        l.login_succeeded("ana@example.org", A);
        l.may_try_login("ana@example.org", A, t)
            .expect("reset by success");
    }

    #[test]
    fn the_backoff_is_capped() {
        let l = Limits::new(LimitPolicy::default());
        let t = Instant::now();
        for _ in 0..60 {
            l.login_failed("x", A, t);
        }
        assert_eq!(
            l.may_try_login("x", A, t),
            Err(Duration::from_secs(15 * 60))
        );
    }
}
