//! Proof of presence: a six-digit code that changes every 30 seconds, bound to one activity.
//!
//! The organiser's screen computes it from the activity's secret and its own clock (so it keeps
//! working offline once loaded) and shows it as digits and as a QR code. The member's phone
//! records the code with the phone's clock; the server checks it whenever the record arrives,
//! even days later: the code must be this activity's for some 30-second step, that step must
//! fall inside the activity's window (with a tolerance before and after), and it must be
//! within the clock-skew tolerance of the phone's time — so a code forwarded or typed long
//! after it was shown is refused as expired.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// How long each code is shown.
pub const STEP_MS: i64 = 30_000;
/// How far a phone's clock and the organiser's may disagree (and how late a code may be used).
pub const SKEW_TOLERANCE_MS: i64 = 3 * 60_000;
/// How early before the start and how late after the end a check-in still counts.
pub const WINDOW_TOLERANCE_MS: i64 = 30 * 60_000;

/// How far ahead of the server's clock a phone's clock may run: a record made "later" than it
/// arrived is from a phone whose clock is wrong (or was set forward to reuse a code).
pub const CLOCK_AHEAD_TOLERANCE_MS: i64 = SKEW_TOLERANCE_MS;

/// Why a record stamped `device_time` that arrived at `received_at` (server clock) is refused:
/// the phone's clock runs ahead by more than [`CLOCK_AHEAD_TOLERANCE_MS`]. Says by how many
/// minutes, rounded up.
pub fn clock_ahead(device_time: i64, received_at: i64) -> Option<String> {
    let ahead = device_time - received_at;
    (ahead > CLOCK_AHEAD_TOLERANCE_MS).then(|| {
        let minutes = (ahead + 59_999) / 60_000;
        format!("手机时间比服务器快约 {minutes} 分钟：请把手机设为自动校时后重新操作")
    })
}

/// The 30-second step an instant falls in.
pub fn step_of(ms: i64) -> i64 {
    ms.div_euclid(STEP_MS)
}

/// The start of a step, in ms.
pub fn step_start(step: i64) -> i64 {
    step * STEP_MS
}

/// The code of `activity_id` for `step`, from the activity's secret: HMAC-SHA256 truncated the
/// way TOTP (RFC 6238) does, to six digits.
pub fn code(secret: &[u8], activity_id: &str, step: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(activity_id.as_bytes());
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[digest.len() - 1] & 0x0f) as usize;
    let bin = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!("{:06}", bin % 1_000_000)
}

/// What the member's phone recorded as proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum Proof {
    /// Scanned from the organiser's QR code, which carries its step.
    Qr { step: i64, code: String },
    /// Typed from the organiser's screen.
    Code { code: String },
}

impl Proof {
    pub fn method(&self) -> &'static str {
        match self {
            Proof::Qr { .. } => "qr",
            Proof::Code { .. } => "code",
        }
    }
}

/// Why a proof was refused. Each says what to do in its message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofError {
    /// Not this activity's code at any time near the phone's clock.
    WrongCode,
    /// This activity's code, but shown outside the activity's time (with tolerance).
    OutsideWindow,
    /// This activity's code, but from long before or after the phone's time: replayed or
    /// forwarded, or the phone's clock is far off.
    Expired,
}

impl ProofError {
    pub fn reason(self) -> &'static str {
        match self {
            ProofError::WrongCode => "签到码不正确（或不是本次活动的签到码）",
            ProofError::OutsideWindow => "签到码不在本次活动的时间内",
            ProofError::Expired => {
                "签到码已过期，请扫描或输入现场屏幕上最新的签到码（也请检查手机时间是否准确）"
            }
        }
    }
}

/// The activity a proof is checked against.
pub struct Window<'a> {
    pub activity_id: &'a str,
    pub secret: &'a [u8],
    pub starts_at: i64,
    pub ends_at: i64,
}

impl Window<'_> {
    fn allows_step(&self, step: i64) -> bool {
        let t = step_start(step);
        t + STEP_MS > self.starts_at - WINDOW_TOLERANCE_MS
            && t <= self.ends_at + WINDOW_TOLERANCE_MS
    }

    fn matches(&self, step: i64, code: &str) -> bool {
        self::code(self.secret, self.activity_id, step) == code
    }
}

/// Checks a proof recorded at `device_time`; returns the step it proves.
pub fn verify(window: &Window<'_>, device_time: i64, proof: &Proof) -> Result<i64, ProofError> {
    let near = |step: i64| (step_start(step) - device_time).abs() <= SKEW_TOLERANCE_MS + STEP_MS;
    match proof {
        Proof::Qr { step, code } => {
            if !window.matches(*step, code) {
                Err(ProofError::WrongCode)
            } else if !window.allows_step(*step) {
                Err(ProofError::OutsideWindow)
            } else if !near(*step) {
                Err(ProofError::Expired)
            } else {
                Ok(*step)
            }
        }
        Proof::Code { code } => {
            let here = step_of(device_time);
            let reach = SKEW_TOLERANCE_MS / STEP_MS + 1;
            if let Some(step) = (here - reach..=here + reach).find(|&s| window.matches(s, code)) {
                return if window.allows_step(step) {
                    Ok(step)
                } else {
                    Err(ProofError::OutsideWindow)
                };
            }
            // Not near the phone's time: is it an old (or future) code of this activity?
            let first = step_of(window.starts_at - WINDOW_TOLERANCE_MS);
            let last = step_of(window.ends_at + WINDOW_TOLERANCE_MS);
            if (first..=last).any(|s| window.matches(s, code)) {
                Err(ProofError::Expired)
            } else {
                Err(ProofError::WrongCode)
            }
        }
    }
}

/// The path a QR code opens: the member's page, which records the check-in (offline too,
/// since that page is kept by the service worker).
pub fn qr_path(activity_id: &str, step: i64, code: &str) -> String {
    format!("/me?checkin={activity_id}&p={step}.{code}")
}

/// Reads the `p` parameter of a QR path.
pub fn parse_qr_param(p: &str) -> Option<(i64, String)> {
    let (step, code) = p.split_once('.')?;
    let step = step.parse().ok()?;
    (code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())).then(|| (step, code.to_owned()))
}

/// Whether a typed code has the right shape (six digits), after trimming spaces.
pub fn normalise_typed_code(s: &str) -> Option<String> {
    let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
    const ID: &str = "019ac5e1-6c00-7abc-8def-0123456789ab";
    const START: i64 = 1_795_759_200_000; // 14:00
    const END: i64 = START + 2 * 3_600_000; // 16:00

    fn window() -> Window<'static> {
        Window {
            activity_id: ID,
            secret: SECRET,
            starts_at: START,
            ends_at: END,
        }
    }

    fn qr_at(t: i64) -> Proof {
        let step = step_of(t);
        Proof::Qr {
            step,
            code: code(SECRET, ID, step),
        }
    }

    #[test]
    fn codes_are_six_digits_and_change_every_step() {
        let a = code(SECRET, ID, 100);
        assert_eq!(a.len(), 6);
        assert!(a.bytes().all(|b| b.is_ascii_digit()));
        assert_ne!(a, code(SECRET, ID, 101));
        assert_ne!(a, code(SECRET, "another-activity", 100));
        assert_eq!(a, code(SECRET, ID, 100), "deterministic");
    }

    #[test]
    fn a_fresh_qr_code_during_the_activity_is_accepted() {
        let t = START + 600_000;
        assert_eq!(verify(&window(), t + 5_000, &qr_at(t)), Ok(step_of(t)));
    }

    #[test]
    fn a_typed_code_is_found_despite_small_clock_skew() {
        let shown_at = START + 600_000;
        let typed = Proof::Code {
            code: code(SECRET, ID, step_of(shown_at)),
        };
        // The phone's clock is 2 minutes behind the organiser's.
        assert_eq!(
            verify(&window(), shown_at - 120_000, &typed),
            Ok(step_of(shown_at))
        );
    }

    #[test]
    fn another_activitys_code_is_wrong() {
        let t = START + 600_000;
        let step = step_of(t);
        let theirs = Proof::Qr {
            step,
            code: code(SECRET, "other", step),
        };
        assert_eq!(verify(&window(), t, &theirs), Err(ProofError::WrongCode));
        let typed = Proof::Code {
            code: code(SECRET, "other", step),
        };
        // (A six-digit collision with this activity's codes is possible but not at this step.)
        assert_eq!(verify(&window(), t, &typed), Err(ProofError::WrongCode));
    }

    #[test]
    fn a_replayed_old_code_has_expired() {
        let shown_at = START + 600_000;
        let later = shown_at + 20 * 60_000;
        assert_eq!(
            verify(&window(), later, &qr_at(shown_at)),
            Err(ProofError::Expired)
        );
        let typed = Proof::Code {
            code: code(SECRET, ID, step_of(shown_at)),
        };
        assert_eq!(verify(&window(), later, &typed), Err(ProofError::Expired));
    }

    #[test]
    fn codes_outside_the_window_are_refused() {
        let early = START - WINDOW_TOLERANCE_MS - 10 * 60_000;
        assert_eq!(
            verify(&window(), early, &qr_at(early)),
            Err(ProofError::OutsideWindow)
        );
        let late = END + WINDOW_TOLERANCE_MS + 10 * 60_000;
        assert_eq!(
            verify(&window(), late, &qr_at(late)),
            Err(ProofError::OutsideWindow)
        );
        // Within the tolerance is fine.
        let a_bit_early = START - 10 * 60_000;
        assert!(verify(&window(), a_bit_early, &qr_at(a_bit_early)).is_ok());
    }

    #[test]
    fn qr_paths_round_trip() {
        let p = qr_path(ID, 42, "012345");
        assert_eq!(p, format!("/me?checkin={ID}&p=42.012345"));
        assert_eq!(parse_qr_param("42.012345"), Some((42, "012345".to_owned())));
        assert_eq!(parse_qr_param("42.12345"), None);
        assert_eq!(parse_qr_param("x.012345"), None);
        assert_eq!(normalise_typed_code(" 012 345 "), Some("012345".to_owned()));
        assert_eq!(normalise_typed_code("01234a"), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn the_shown_code_is_accepted_at_any_moment_of_the_activity(offset in 0i64..(2 * 3_600_000), skew in -120_000i64..120_000) {
            let shown_at = START + offset;
            prop_assert_eq!(verify(&window(), shown_at + skew, &qr_at(shown_at)), Ok(step_of(shown_at)));
            let typed = Proof::Code { code: code(SECRET, ID, step_of(shown_at)) };
            // A typed code may match a neighbouring step by chance; it is still inside the window.
            prop_assert!(verify(&window(), shown_at + skew, &typed).is_ok());
        }
    }

    #[test]
    fn a_clock_ahead_beyond_the_tolerance_is_named() {
        let now = 1_800_000_000_000;
        assert_eq!(clock_ahead(now, now), None);
        assert_eq!(
            clock_ahead(now - 86_400_000, now),
            None,
            "late is not ahead"
        );
        assert_eq!(clock_ahead(now + CLOCK_AHEAD_TOLERANCE_MS, now), None);
        let reason = clock_ahead(now + CLOCK_AHEAD_TOLERANCE_MS + 1, now).unwrap();
        assert!(reason.contains("快约 4 分钟"), "{reason}");
        assert!(
            clock_ahead(now + 3_600_000, now)
                .unwrap()
                .contains("60 分钟")
        );
    }
}
