//! Rate limits as data: how many requests of one kind one network address (or one account) may
//! make in a window, with defaults sized for a whole school behind one address, and the
//! deployment's overrides (`XINGQI_RATE_LIMITS`). The counting itself lives in the database
//! (`crate::guard`), so several server processes share it.

use std::collections::BTreeMap;
use std::fmt;

/// What is being counted: a kind of request, per address or per account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bucket {
    /// Sign-in attempts from one address.
    SignInAddress,
    /// Sign-in attempts at one account, from anywhere.
    SignInAccount,
    /// Account activations (invite redemptions) from one address.
    InviteAddress,
    /// Survey answers from one address (the form and sync alike).
    AnswerAddress,
    /// Open-link device marks handed out to one address.
    MarkAddress,
    /// Survey codes that were not found, typed from one address.
    CodeAddress,
    /// Sync pushes from one address.
    PushAddress,
    /// Sync pushes by one signed-in account.
    PushAccount,
    /// Public feedback on commitment letters from one address.
    FeedbackAddress,
}

impl Bucket {
    pub const ALL: [Bucket; 9] = [
        Bucket::SignInAddress,
        Bucket::SignInAccount,
        Bucket::InviteAddress,
        Bucket::AnswerAddress,
        Bucket::MarkAddress,
        Bucket::CodeAddress,
        Bucket::PushAddress,
        Bucket::PushAccount,
        Bucket::FeedbackAddress,
    ];

    /// The name in `XINGQI_RATE_LIMITS` and in the database.
    pub fn key(self) -> &'static str {
        match self {
            Bucket::SignInAddress => "sign_in_address",
            Bucket::SignInAccount => "sign_in_account",
            Bucket::InviteAddress => "invite_address",
            Bucket::AnswerAddress => "answer_address",
            Bucket::MarkAddress => "mark_address",
            Bucket::CodeAddress => "code_address",
            Bucket::PushAddress => "push_address",
            Bucket::PushAccount => "push_account",
            Bucket::FeedbackAddress => "feedback_address",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.key() == s)
    }

    /// The default: generous enough for a school's members behind one Wi-Fi address at the
    /// start of a meeting, tight enough that guessing a password or a code, or answering an
    /// open survey from a script, stops early.
    pub fn default_limit(self) -> Limit {
        let minutes = |m: u32| m * 60;
        match self {
            Bucket::SignInAddress => Limit::new(200, minutes(10)),
            Bucket::SignInAccount => Limit::new(10, minutes(10)),
            Bucket::InviteAddress => Limit::new(100, minutes(10)),
            Bucket::AnswerAddress => Limit::new(600, minutes(60)),
            Bucket::MarkAddress => Limit::new(600, minutes(60)),
            Bucket::CodeAddress => Limit::new(60, minutes(10)),
            Bucket::PushAddress => Limit::new(1200, minutes(10)),
            Bucket::PushAccount => Limit::new(300, minutes(10)),
            Bucket::FeedbackAddress => Limit::new(10, minutes(60)),
        }
    }
}

/// At most `max` requests in each window of `window_s` seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window_s: u32,
}

impl Limit {
    pub const fn new(max: u32, window_s: u32) -> Self {
        Self { max, window_s }
    }

    pub fn window_ms(self) -> i64 {
        i64::from(self.window_s) * 1000
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}s", self.max, self.window_s)
    }
}

/// Every bucket's limit: the defaults with a deployment's overrides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits(BTreeMap<Bucket, Limit>);

impl Default for Limits {
    fn default() -> Self {
        Self(
            Bucket::ALL
                .into_iter()
                .map(|b| (b, b.default_limit()))
                .collect(),
        )
    }
}

impl Limits {
    pub fn of(&self, bucket: Bucket) -> Limit {
        self.0
            .get(&bucket)
            .copied()
            .unwrap_or_else(|| bucket.default_limit())
    }

    /// Every limit multiplied by `factor` (the fuzzer and the benchmarks raise them all).
    pub fn scaled(mut self, factor: u32) -> Self {
        for limit in self.0.values_mut() {
            limit.max = limit.max.saturating_mul(factor);
        }
        self
    }
}

/// Reads `name=N/window,…` over the defaults, where window is a number with `s`, `m`, `h` or
/// `d` (`sign_in_account=5/15m,answer_address=2000/1h`), or `×N` alone to multiply every
/// limit (`x100`). An empty string keeps the defaults.
pub fn parse_limits(s: &str) -> Result<Limits, String> {
    let mut limits = Limits::default();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some(factor) = part.strip_prefix(['x', '×']) {
            let factor: u32 =
                factor.parse().ok().filter(|f| *f > 0).ok_or_else(|| {
                    format!("`{part}`: the factor must be a positive whole number")
                })?;
            limits = limits.scaled(factor);
            continue;
        }
        let (name, value) = part
            .split_once('=')
            .ok_or_else(|| format!("`{part}`: expected name=N/window"))?;
        let bucket = Bucket::parse(name.trim()).ok_or_else(|| {
            let names: Vec<_> = Bucket::ALL.iter().map(|b| b.key()).collect();
            format!("`{name}` is not a limit (one of: {})", names.join(", "))
        })?;
        let (max, window) = value
            .split_once('/')
            .ok_or_else(|| format!("`{part}`: expected N/window, like 10/15m"))?;
        let max: u32 = max
            .trim()
            .parse()
            .ok()
            .filter(|m| *m > 0)
            .ok_or_else(|| format!("`{part}`: the count must be a positive whole number"))?;
        let window_s = parse_window(window.trim())
            .ok_or_else(|| format!("`{part}`: the window must be like 30s, 15m, 1h or 1d"))?;
        limits.0.insert(bucket, Limit::new(max, window_s));
    }
    Ok(limits)
}

fn parse_window(s: &str) -> Option<u32> {
    let unit = s.chars().last()?;
    let n: u32 = s[..s.len() - unit.len_utf8()].parse().ok()?;
    let seconds = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return None,
    };
    n.checked_mul(seconds).filter(|w| *w > 0)
}

/// The outcome of counting one request against a fixed window that started at `window_start`
/// and now holds `count` requests (this one included): allowed, or refused with the seconds
/// until the window ends (at least 1, for `Retry-After`).
pub fn verdict(limit: Limit, count: i64, window_start: i64, now: i64) -> Result<(), u32> {
    if count <= i64::from(limit.max) {
        return Ok(());
    }
    let left_ms = (window_start + limit.window_ms() - now).max(0);
    let secs = (left_ms + 999) / 1000;
    Err(u32::try_from(secs)
        .unwrap_or(limit.window_s)
        .clamp(1, limit.window_s.max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_cover_every_bucket() {
        let limits = Limits::default();
        for b in Bucket::ALL {
            assert_eq!(limits.of(b), b.default_limit());
            assert_eq!(Bucket::parse(b.key()), Some(b));
        }
    }

    #[test]
    fn overrides_and_factors_are_read() {
        let limits = parse_limits("sign_in_account=5/15m, answer_address=2000/1h").unwrap();
        assert_eq!(limits.of(Bucket::SignInAccount), Limit::new(5, 900));
        assert_eq!(limits.of(Bucket::AnswerAddress), Limit::new(2000, 3600));
        assert_eq!(
            limits.of(Bucket::PushAccount),
            Bucket::PushAccount.default_limit()
        );
        let raised = parse_limits("x100").unwrap();
        assert_eq!(raised.of(Bucket::SignInAccount), Limit::new(1000, 600));
        assert_eq!(parse_limits("").unwrap(), Limits::default());
        assert_eq!(
            parse_limits("code_address=1/1d")
                .unwrap()
                .of(Bucket::CodeAddress),
            Limit::new(1, 86_400)
        );
    }

    #[test]
    fn bad_settings_say_what_is_wrong() {
        for bad in [
            "nonsense=1/1m",
            "sign_in_account",
            "sign_in_account=5",
            "sign_in_account=0/1m",
            "sign_in_account=5/0m",
            "sign_in_account=5/15y",
            "sign_in_account=-5/15m",
            "x0",
            "xlots",
            "sign_in_account=5/99999999999d",
        ] {
            assert!(parse_limits(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_last_allowed_request_is_the_maximum() {
        let limit = Limit::new(3, 60);
        assert_eq!(verdict(limit, 1, 0, 0), Ok(()));
        assert_eq!(verdict(limit, 3, 0, 59_000), Ok(()));
        assert_eq!(verdict(limit, 4, 0, 0), Err(60));
        assert_eq!(verdict(limit, 4, 0, 59_001), Err(1));
        assert_eq!(verdict(limit, 4, 0, 30_500), Err(30));
        // A clock that went back never asks for more than one window.
        assert_eq!(verdict(limit, 4, 0, -120_000), Err(60));
        // A window already over asks for at least a second.
        assert_eq!(verdict(limit, 4, 0, 200_000), Err(1));
    }
}
