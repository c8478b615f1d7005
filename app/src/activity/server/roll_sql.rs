//! The SQL of a roll, one text for its two readers: an activity's own roll (`roll`, one row
//! per expected member) and a branch's year read in bulk (`rolls`, one packed row per
//! activity). Macros, so each reader's statement is still one literal.

/// `WITH acts, ck, lv`: the activities `$acts` selects (a condition on `activities a`), and
/// their check-ins and leave requests grouped once per (activity, member), to be joined to the
/// expected members (`roll_from!`) instead of looked up again for each (a branch's year is
/// ~750 of them: the lookups were most of a branch page's time at county scale).
macro_rules! roll_facts {
    ($acts:expr) => {
        concat!(
            "WITH acts AS (SELECT a.id FROM activities a WHERE ",
            $acts,
            "), \
             ck AS (SELECT c.activity_id, c.user_id, \
                 MIN(CASE WHEN c.review IS NULL OR c.review = 'confirmed' THEN c.method END) \
                   AS checkin_method, \
                 MIN(CASE WHEN c.review IN ('pending', 'refused') THEN c.review END) \
                   AS checkin_review, \
                 MAX(CASE WHEN c.review IS NULL OR c.review = 'confirmed' THEN c.received_at END) \
                   AS checkin_received_at \
               FROM checkins c JOIN acts ON acts.id = c.activity_id \
               GROUP BY c.activity_id, c.user_id), \
             lv AS (SELECT l.activity_id, l.user_id, \
                 MAX(CASE l.status WHEN 'approved' THEN 3 WHEN 'pending' THEN 2 ELSE 1 END) \
                   AS leave, \
                 MAX(l.reason) AS leave_reason \
               FROM leave_requests l JOIN acts ON acts.id = l.activity_id \
               GROUP BY l.activity_id, l.user_id)"
        )
    };
}

/// The expected members `e` of the activities in `acts`, with their check-ins `ck` and leave
/// `lv` (`roll_facts!`).
macro_rules! roll_from {
    () => {
        " FROM activity_expected e JOIN acts ON acts.id = e.activity_id \
          LEFT JOIN ck ON ck.activity_id = e.activity_id AND ck.user_id = e.user_id \
          LEFT JOIN lv ON lv.activity_id = e.activity_id AND lv.user_id = e.user_id"
    };
}

/// The latest hand mark of expected member `e` (marks are rare: looked up).
macro_rules! latest_mark {
    () => {
        "(SELECT m.mark FROM attendance_marks m \
          WHERE m.activity_id = e.activity_id AND m.user_id = e.user_id \
          ORDER BY m.marked_at DESC, m.id DESC LIMIT 1)"
    };
}

/// When expected member `e` was last marked by hand.
macro_rules! latest_mark_at {
    () => {
        "(SELECT MAX(m.marked_at) FROM attendance_marks m \
          WHERE m.activity_id = e.activity_id AND m.user_id = e.user_id)"
    };
}
