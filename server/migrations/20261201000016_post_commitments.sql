-- Members' individual commitments (岗位承诺 for members with a post, 设岗定责 for members without
-- one; issue 11 point 3): each member writes theirs for the year, the branch's organisers
-- approve or return it; approved ones are published with the branch's letter and count as
-- evidence for the 作用发挥 criterion (which stays attested and approved by the 总支).
CREATE TABLE post_commitments (
    user_id     TEXT NOT NULL REFERENCES users (id),
    year        INTEGER NOT NULL,
    org_id      TEXT NOT NULL REFERENCES organisations (id),   -- the member's branch then
    with_post   INTEGER NOT NULL,             -- 1: 有职党员（岗位承诺）; 0: 无职党员（设岗定责）
    post        TEXT NOT NULL,
    pledge      TEXT NOT NULL,
    state       TEXT NOT NULL,                -- 'submitted' | 'approved' | 'returned'
    comment     TEXT NOT NULL DEFAULT '',
    updated_at  BIGINT NOT NULL,
    decided_by  TEXT REFERENCES users (id),
    decided_at  BIGINT,
    PRIMARY KEY (user_id, year)
);
CREATE INDEX post_commitments_org ON post_commitments (org_id, year);
