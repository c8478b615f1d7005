//! Check-ins that look replayed: a photo of the QR code used hours later on a phone whose clock
//! was set back to the meeting.
//!
//! The code proves only that the phone's clock said "during the meeting" when the code was
//! entered; a phone clock can be set back. What a phone *can* prove is when it last heard from
//! the server: every pull hands the phone a **sync receipt** (the server's time, signed by the
//! server for that member), and each check-in carries the newest receipt the phone held when
//! the member pressed 签到. The rule:
//!
//! - A check-in that arrives within [`LATE_ARRIVAL_MS`] of the moment it claims is taken as it
//!   is: there was no time to replay anything.
//! - A later one is taken if it carries a valid receipt from *before* the moment it claims
//!   (the phone was out of touch from then until now: the honest offline phone).
//! - Otherwise — no receipt (a wiped or new browser), a forged one, or one from *after* the
//!   claimed moment (the phone had synced since, so the clock was set back) — it is stored but
//!   **held** (待确认) until the branch's secretary confirms or refuses it. An honest phone
//!   caught by this costs the secretary one tap for all of an activity's held check-ins.
//!
//! What it cannot catch: someone who keeps a copy of an old receipt and forges the whole
//! record by hand. That takes deliberate tampering with the app's storage; the secretary's
//! roll still shows every check-in with its arrival time.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A check-in arriving later than this after the moment it claims must show, by its receipt,
/// that the phone was out of touch since before that moment.
pub const LATE_ARRIVAL_MS: i64 = 30 * 60_000;

/// How far a receipt may postdate the claimed moment and still count as "before" it: the
/// server's and the phone's clocks disagree by up to the proof's skew tolerance.
pub const RECEIPT_SKEW_MS: i64 = crate::proof::SKEW_TOLERANCE_MS;

/// Why a check-in is held for the secretary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Held {
    /// Late, and the phone showed no valid sync receipt.
    NoReceipt,
    /// Late, and the phone had synced *after* the moment the check-in claims.
    SyncedSince,
}

impl Held {
    pub fn code(self) -> &'static str {
        match self {
            Held::NoReceipt => "no_receipt",
            Held::SyncedSince => "synced_since",
        }
    }

    pub fn reason(self) -> &'static str {
        match self {
            Held::NoReceipt => {
                "签到记录在活动后很久才上传，且手机无法证明当时处于离线状态：待支部书记确认"
            }
            Held::SyncedSince => {
                "手机在签到时刻之后已与服务器同步过，这条签到却在此后才上传：待支部书记确认"
            }
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Held::NoReceipt, Held::SyncedSince]
            .into_iter()
            .find(|h| h.code() == code)
    }
}

/// Whether a check-in claiming `device_time` that arrived at `received_at` is held, given the
/// server time of the (valid) receipt it carries, if any.
pub fn held(device_time: i64, received_at: i64, receipt_at: Option<i64>) -> Option<Held> {
    if received_at - device_time <= LATE_ARRIVAL_MS {
        return None;
    }
    match receipt_at {
        None => Some(Held::NoReceipt),
        Some(at) if at > device_time + RECEIPT_SKEW_MS => Some(Held::SyncedSince),
        Some(_) => None,
    }
}

/// A sync receipt for `member_id` at server time `at`: `"<at>.<signature>"`.
pub fn mint_receipt(key: &[u8], member_id: &str, at: i64) -> String {
    format!("{at}.{}", signature(key, member_id, at))
}

/// The server time of a receipt, if it is one the server made for this member.
pub fn read_receipt(key: &[u8], member_id: &str, receipt: &str) -> Option<i64> {
    let (at, sig) = receipt.split_once('.')?;
    let at: i64 = at.parse().ok()?;
    let expected = signature(key, member_id, at);
    // Compared without an early exit, so the time taken says nothing about the signature.
    let same = sig.len() == expected.len()
        && sig
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    same.then_some(at)
}

fn signature(key: &[u8], member_id: &str, at: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(format!("receipt:{member_id}:{at}").as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEETING: i64 = 1_780_000_000_000;
    const MINUTE: i64 = 60_000;

    #[test]
    fn a_check_in_arriving_soon_is_taken_whatever_it_carries() {
        assert_eq!(held(MEETING, MEETING + 5 * MINUTE, None), None);
        assert_eq!(
            held(MEETING, MEETING + LATE_ARRIVAL_MS, None),
            None,
            "boundary"
        );
        assert_eq!(
            held(MEETING, MEETING + 10 * MINUTE, Some(MEETING + 9 * MINUTE)),
            None
        );
    }

    #[test]
    fn a_late_check_in_needs_a_receipt_from_before_its_moment() {
        let late = MEETING + LATE_ARRIVAL_MS + 1;
        assert_eq!(held(MEETING, late, None), Some(Held::NoReceipt));
        // The honest offline phone: synced in the morning, arrives in the evening.
        assert_eq!(
            held(
                MEETING,
                MEETING + 8 * 60 * MINUTE,
                Some(MEETING - 3 * 60 * MINUTE)
            ),
            None
        );
        // Clocks a little apart: a receipt up to the skew tolerance after the moment is "before".
        assert_eq!(held(MEETING, late, Some(MEETING + RECEIPT_SKEW_MS)), None);
        assert_eq!(
            held(MEETING, late, Some(MEETING + RECEIPT_SKEW_MS + 1)),
            Some(Held::SyncedSince)
        );
        // The replay: synced after the meeting, then the clock was set back.
        assert_eq!(
            held(
                MEETING,
                MEETING + 5 * 60 * MINUTE,
                Some(MEETING + 4 * 60 * MINUTE)
            ),
            Some(Held::SyncedSince)
        );
    }

    #[test]
    fn receipts_are_the_servers_and_the_members_own() {
        let r = mint_receipt(b"key", "m1", MEETING);
        assert_eq!(read_receipt(b"key", "m1", &r), Some(MEETING));
        assert_eq!(read_receipt(b"other key", "m1", &r), None);
        assert_eq!(
            read_receipt(b"key", "m2", &r),
            None,
            "another member's receipt"
        );
        let (_, sig) = r.split_once('.').unwrap();
        let moved = format!("{}.{sig}", MEETING - 3_600_000);
        assert_eq!(read_receipt(b"key", "m1", &moved), None, "its time changed");
        for bad in [
            "",
            ".",
            "x.y",
            "123",
            "123.",
            &format!("{MEETING}.{}", &sig[1..]),
        ] {
            assert_eq!(read_receipt(b"key", "m1", bad), None, "{bad:?}");
        }
    }

    #[test]
    fn held_codes_round_trip() {
        for h in [Held::NoReceipt, Held::SyncedSince] {
            assert_eq!(Held::from_code(h.code()), Some(h));
            assert!(!h.reason().is_empty());
        }
        assert_eq!(Held::from_code("nope"), None);
    }
}
