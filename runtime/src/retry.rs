//! When and how long to wait before sending a failed request again.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;

/// How a [`Client`](crate::Client) retries failed requests; set it with
/// [`ClientBuilder::retry`](crate::ClientBuilder::retry).
///
/// A request is sent again when it failed with an error that
/// [`Error::is_retryable`](crate::Error::is_retryable) accepts (a connection
/// failure, or HTTP 408, 429, 502, 503 or 504), **and** repeating it is safe:
///
/// - the connection could not be established, so the request was never sent
///   (any method); or
/// - the request is safe to repeat: `GET`, `HEAD`, `OPTIONS`, `PUT` and
///   `DELETE`, and operations the API document marks read-only; or
/// - the policy allows repeating any request
///   ([`retry_non_idempotent`](Self::retry_non_idempotent)).
///
/// The wait before retry `n` (1, 2, ...) is
/// `min(initial_backoff * 2^(n-1), max_backoff)`, with jitter a random
/// duration between half of that and all of it. When the response carries
/// `Retry-After` (seconds or an HTTP date) or `retry-after-ms`, that wait is
/// used instead, capped at `max_backoff`; if it is longer than what is left of
/// `max_elapsed`, the client gives up at once.
///
/// Retries stop after `max_attempts` attempts, and no retry is started once
/// the wait would end after `max_elapsed` (counted from the first attempt) or
/// after the call's timeout. The error of the last attempt is returned; its
/// message says `(after N attempts)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
    jitter: bool,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// 3 attempts (2 retries), backoff from 500 ms up to 8 s with jitter,
    /// at most 30 s in total, only requests that are safe to repeat.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_elapsed: Duration::from_secs(30),
            jitter: true,
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retries: every request is sent once.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Most attempts per call, the first one included (default 3; 0 counts as 1).
    pub fn max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// Wait before the first retry; it doubles for each further retry (default 500 ms).
    pub fn initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// Longest wait between two attempts, `Retry-After` included (default 8 s).
    pub fn max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Time after the first attempt started beyond which no retry is started
    /// (default 30 s). An attempt in flight is bounded by the timeout, not by this.
    pub fn max_elapsed(mut self, max_elapsed: Duration) -> Self {
        self.max_elapsed = max_elapsed;
        self
    }

    /// Whether to randomize waits (default `true`): each wait is then between
    /// half of the computed backoff and all of it, so that many clients failing
    /// together do not retry together. `false` waits exactly the computed backoff.
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Whether to also retry requests that are not safe to repeat, such as a
    /// `POST` that creates something (default `false`). Such a request may
    /// then take effect twice.
    pub fn retry_non_idempotent(mut self, retry_non_idempotent: bool) -> Self {
        self.retry_non_idempotent = retry_non_idempotent;
        self
    }

    /// Most attempts per call, the first one included.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Wait before the first retry (without `Retry-After`).
    pub fn get_initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// Longest wait between two attempts.
    pub fn get_max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// Time after the first attempt started beyond which no retry is started.
    pub fn get_max_elapsed(&self) -> Duration {
        self.max_elapsed
    }

    /// Whether waits are randomized.
    pub fn get_jitter(&self) -> bool {
        self.jitter
    }

    /// Whether requests that are not safe to repeat are retried too.
    pub fn get_retry_non_idempotent(&self) -> bool {
        self.retry_non_idempotent
    }

    /// The wait before retry number `retry` (1 for the first retry) without a
    /// `Retry-After`, using `random` (in `[0, 1)`) for the jitter.
    pub(crate) fn backoff(&self, retry: u32, random: f64) -> Duration {
        let doublings = retry.saturating_sub(1).min(31);
        let base = self
            .initial_backoff
            .saturating_mul(1u32 << doublings)
            .min(self.max_backoff);
        if !self.jitter {
            return base;
        }
        // Equal jitter: [base / 2, base].
        let factor = 0.5 + 0.5 * random.clamp(0.0, 1.0);
        Duration::try_from_secs_f64(base.as_secs_f64() * factor).unwrap_or(base)
    }

    /// Decides what to do after attempt number `attempt` failed.
    pub(crate) fn decide(&self, failure: &Failure) -> Decision {
        if !failure.retryable {
            return Decision::GiveUp("the error is not retryable");
        }
        if !(failure.never_sent || failure.safe || self.retry_non_idempotent) {
            return Decision::GiveUp("the request is not safe to repeat");
        }
        if failure.attempt >= self.max_attempts {
            return Decision::GiveUp("no attempts left");
        }
        let budget = self.max_elapsed.saturating_sub(failure.elapsed);
        let wait = match failure.retry_after {
            Some(retry_after) if retry_after > budget => {
                return Decision::GiveUp("Retry-After is beyond the retry time budget")
            }
            Some(retry_after) => retry_after.min(self.max_backoff),
            None => {
                let wait = self.backoff(failure.attempt, failure.random);
                if wait > budget {
                    return Decision::GiveUp("the retry time budget is spent");
                }
                wait
            }
        };
        if failure.time_left.is_some_and(|left| wait >= left) {
            return Decision::GiveUp("the timeout would expire before the next attempt");
        }
        Decision::Retry(wait)
    }
}

/// What the retry decision needs to know about a failed attempt.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Failure {
    /// The number of the attempt that failed (1 for the first).
    pub(crate) attempt: u32,
    /// [`Error::is_retryable`](crate::Error::is_retryable).
    pub(crate) retryable: bool,
    /// The connection failed, so the server never saw the request.
    pub(crate) never_sent: bool,
    /// The request is safe to repeat (method or read-only operation).
    pub(crate) safe: bool,
    /// The server's requested wait, if it gave one.
    pub(crate) retry_after: Option<Duration>,
    /// Time since the first attempt started.
    pub(crate) elapsed: Duration,
    /// Time left before the call's timeout, if it has one.
    pub(crate) time_left: Option<Duration>,
    /// Uniform in `[0, 1)`, for the jitter.
    pub(crate) random: f64,
}

/// The outcome of [`RetryPolicy::decide`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Decision {
    /// Wait this long, then send the request again.
    Retry(Duration),
    /// Return the error; the reason is for logs.
    GiveUp(&'static str),
}

/// The server's requested wait: `retry-after-ms` (milliseconds, possibly
/// fractional), else `Retry-After` (whole seconds or an HTTP date, relative
/// to `now`). A date in the past means no wait; unreadable values are ignored.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text("retry-after-ms").and_then(|ms| ms.parse::<f64>().ok()) {
        if let Ok(wait) = Duration::try_from_secs_f64(ms / 1000.0) {
            return Some(wait);
        }
    }
    let value = text("retry-after")?;
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits to fit is "a very long time".
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A number uniform in `[0, 1)` for jitter; not cryptographic, no dependency.
pub(crate) fn random_fraction() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    // Each RandomState has fresh random keys, so the hash is unpredictable.
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    fn failure(attempt: u32) -> Failure {
        Failure {
            attempt,
            retryable: true,
            never_sent: false,
            safe: true,
            retry_after: None,
            elapsed: ms(0),
            time_left: None,
            random: 0.0,
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn defaults() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.max_attempts, 3);
        assert_eq!(policy.initial_backoff, ms(500));
        assert_eq!(policy.max_backoff, ms(8000));
        assert_eq!(policy.max_elapsed, ms(30_000));
        assert!(policy.jitter);
        assert!(!policy.retry_non_idempotent);
        assert_eq!(RetryPolicy::none().max_attempts, 1);
        assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
    }

    #[test]
    fn getters_read_what_the_setters_set() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.get_max_attempts(), 3);
        assert_eq!(policy.get_initial_backoff(), ms(500));
        assert_eq!(policy.get_max_backoff(), ms(8000));
        assert_eq!(policy.get_max_elapsed(), ms(30_000));
        assert!(policy.get_jitter());
        assert!(!policy.get_retry_non_idempotent());
        let policy = policy
            .max_attempts(7)
            .initial_backoff(ms(10))
            .max_backoff(ms(20))
            .max_elapsed(ms(30))
            .jitter(false)
            .retry_non_idempotent(true);
        assert_eq!(policy.get_max_attempts(), 7);
        assert_eq!(policy.get_initial_backoff(), ms(10));
        assert_eq!(policy.get_max_backoff(), ms(20));
        assert_eq!(policy.get_max_elapsed(), ms(30));
        assert!(!policy.get_jitter());
        assert!(policy.get_retry_non_idempotent());
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_without_jitter() {
        let policy = RetryPolicy::default().jitter(false);
        let waits: Vec<_> = (1..=7).map(|n| policy.backoff(n, 0.99)).collect();
        assert_eq!(
            waits,
            [500, 1000, 2000, 4000, 8000, 8000, 8000].map(ms).to_vec()
        );
        // No overflow for absurd attempt numbers or durations.
        assert_eq!(policy.backoff(u32::MAX, 0.5), ms(8000));
        let huge = RetryPolicy::default()
            .initial_backoff(Duration::MAX)
            .max_backoff(Duration::MAX);
        assert_eq!(huge.clone().jitter(false).backoff(40, 0.0), Duration::MAX);
        assert!(huge.backoff(40, 0.7) > Duration::from_secs(1 << 40));
    }

    #[test]
    fn jitter_stays_between_half_and_all_of_the_backoff() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff(1, 0.0), ms(250));
        assert_eq!(policy.backoff(2, 0.5), ms(750));
        assert_eq!(policy.backoff(3, 1.0), ms(2000));
        for _ in 0..1000 {
            let random = random_fraction();
            assert!((0.0..1.0).contains(&random), "{random}");
            let wait = policy.backoff(2, random);
            assert!(wait >= ms(500) && wait <= ms(1000), "{wait:?}");
        }
    }

    #[test]
    fn random_fractions_differ() {
        let values: std::collections::BTreeSet<u64> =
            (0..100).map(|_| random_fraction().to_bits()).collect();
        assert!(values.len() > 90, "{}", values.len());
    }

    #[test]
    fn retry_after_formats() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let parse = |pairs: &[(&'static str, &str)]| retry_after(&headers(pairs), now);
        assert_eq!(parse(&[]), None);
        assert_eq!(parse(&[("retry-after", "1")]), Some(ms(1000)));
        assert_eq!(parse(&[("retry-after", " 120 ")]), Some(ms(120_000)));
        assert_eq!(parse(&[("retry-after", "0")]), Some(ms(0)));
        assert_eq!(
            parse(&[("retry-after", "99999999999999999999999")]),
            Some(Duration::from_secs(u64::MAX))
        );
        // 1_700_000_000 is Tue, 14 Nov 2023 22:13:20 GMT.
        assert_eq!(
            parse(&[("retry-after", "Tue, 14 Nov 2023 22:13:25 GMT")]),
            Some(ms(5000))
        );
        assert_eq!(
            parse(&[("retry-after", "Tue, 14 Nov 2023 22:00:00 GMT")]),
            Some(ms(0))
        );
        for bad in ["-1", "1.5", "soon", "", "Tue, 14 Nov 2023"] {
            assert_eq!(parse(&[("retry-after", bad)]), None, "{bad:?}");
        }
        // retry-after-ms wins, and may be fractional.
        assert_eq!(
            parse(&[("retry-after-ms", "250"), ("retry-after", "9")]),
            Some(ms(250))
        );
        assert_eq!(
            parse(&[("retry-after-ms", "1.5")]),
            Some(Duration::from_micros(1500))
        );
        for bad in ["-5", "NaN", "inf", "x"] {
            assert_eq!(
                parse(&[("retry-after-ms", bad), ("retry-after", "2")]),
                Some(ms(2000)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn only_retryable_errors_of_safe_requests_are_retried() {
        let policy = RetryPolicy::default().jitter(false);
        assert_eq!(policy.decide(&failure(1)), Decision::Retry(ms(500)));
        assert_eq!(policy.decide(&failure(2)), Decision::Retry(ms(1000)));
        assert!(matches!(policy.decide(&failure(3)), Decision::GiveUp(_)));
        let not_retryable = Failure {
            retryable: false,
            ..failure(1)
        };
        assert!(matches!(policy.decide(&not_retryable), Decision::GiveUp(_)));
        assert!(matches!(
            policy
                .clone()
                .retry_non_idempotent(true)
                .decide(&not_retryable),
            Decision::GiveUp(_)
        ));

        // A POST (not marked read-only) that reached the server.
        let unsafe_request = Failure {
            safe: false,
            ..failure(1)
        };
        assert_eq!(
            policy.decide(&unsafe_request),
            Decision::GiveUp("the request is not safe to repeat")
        );
        assert_eq!(
            policy
                .clone()
                .retry_non_idempotent(true)
                .decide(&unsafe_request),
            Decision::Retry(ms(500))
        );
        // ... or that never left because the connection failed.
        let never_sent = Failure {
            never_sent: true,
            ..unsafe_request
        };
        assert_eq!(policy.decide(&never_sent), Decision::Retry(ms(500)));

        assert!(matches!(
            RetryPolicy::none().decide(&failure(1)),
            Decision::GiveUp(_)
        ));
        assert_eq!(
            policy.clone().max_attempts(5).decide(&failure(4)),
            Decision::Retry(ms(4000))
        );
    }

    #[test]
    fn retry_after_is_capped_and_bounded_by_the_budget() {
        let policy = RetryPolicy::default().jitter(false);
        let with = |retry_after: u64, elapsed: u64| Failure {
            retry_after: Some(ms(retry_after)),
            elapsed: ms(elapsed),
            ..failure(1)
        };
        assert_eq!(policy.decide(&with(1000, 0)), Decision::Retry(ms(1000)));
        assert_eq!(policy.decide(&with(0, 0)), Decision::Retry(ms(0)));
        // Longer than max_backoff but within the budget: capped.
        assert_eq!(policy.decide(&with(20_000, 0)), Decision::Retry(ms(8000)));
        // Longer than what is left of the budget: give up now.
        assert_eq!(
            policy.decide(&with(20_000, 15_000)),
            Decision::GiveUp("Retry-After is beyond the retry time budget")
        );
        assert_eq!(
            policy.decide(&with(2000, 29_000)),
            policy.decide(&with(2000, 40_000))
        );
        // A computed backoff past the budget also stops.
        let late = Failure {
            elapsed: ms(29_800),
            ..failure(1)
        };
        assert_eq!(
            policy.decide(&late),
            Decision::GiveUp("the retry time budget is spent")
        );
    }

    #[test]
    fn no_retry_past_the_timeout() {
        let policy = RetryPolicy::default().jitter(false);
        let left = |left: u64| Failure {
            time_left: Some(ms(left)),
            ..failure(1)
        };
        assert_eq!(policy.decide(&left(501)), Decision::Retry(ms(500)));
        assert!(matches!(policy.decide(&left(500)), Decision::GiveUp(_)));
        assert!(matches!(policy.decide(&left(0)), Decision::GiveUp(_)));
    }
}
