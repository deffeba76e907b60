-- Hand-written SQL of ClaimReviewBatch (ADR 0017): named statements, read through Sql.Named.

-- name: Eligible
a.review_state IN ('NeedsReview', 'Disputed') AND a.review_batch_id IS NULL AND a.worker_id <> $1
AND NOT EXISTS (SELECT 1 FROM review_decisions d WHERE d.assignment_id = a.id AND d.reviewer_id = $1)

-- name: OneAtATime
SELECT pg_advisory_xact_lock(hashtextextended('review-batch-claim:' || $1, 0))

-- name: Held
SELECT b.id, b.job_id, b.lease_expires_at, ARRAY(SELECT a.id FROM assignments a WHERE a.review_batch_id = b.id ORDER BY a.submitted_at, a.id)
FROM review_batches b WHERE b.reviewer_id = $1 AND b.status = 'Open' AND b.lease_expires_at > $2

-- name: PickJob
SELECT a.job_id FROM assignments a WHERE {Eligible} ORDER BY a.submitted_at LIMIT 1

-- name: Take
WITH taken AS (
    SELECT a.id FROM assignments a
    WHERE a.job_id = $2 AND {Eligible}
    ORDER BY a.review_state = 'Disputed' DESC, a.submitted_at, a.id
    LIMIT $3
    FOR UPDATE SKIP LOCKED
), batch AS (
    INSERT INTO review_batches (id, job_id, reviewer_id, status, lease_expires_at, created_at)
    SELECT $4, $2, $1, 'Open', $6, $5 WHERE EXISTS (SELECT 1 FROM taken)
)
UPDATE assignments SET review_batch_id = $4 FROM taken WHERE assignments.id = taken.id
RETURNING assignments.id

-- name: Audit
WITH audit AS (
    SELECT a.id FROM assignments a
    WHERE a.id IN (
        SELECT DISTINCT ON (a.item_id) a.id FROM assignments a JOIN items i ON i.id = a.item_id
        WHERE a.job_id = $2 AND i.gold_answer IS NOT NULL AND a.status = 'Submitted' AND a.gold_correct IS NOT NULL
          AND (a.review_state IS NULL OR a.review_state IN ('Accepted', 'Approved'))
          AND a.review_batch_id IS NULL AND a.worker_id <> $1
          AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.assignment_id = a.id AND v.outcome <> 'NeedsReview')
          AND NOT EXISTS (SELECT 1 FROM review_decisions d JOIN assignments seen ON seen.id = d.assignment_id
                          WHERE seen.item_id = a.item_id AND d.reviewer_id = $1)
        ORDER BY a.item_id, md5(a.id::text || $1))
    ORDER BY md5(a.id::text || $1)
    LIMIT $3
    FOR UPDATE OF a SKIP LOCKED
)
UPDATE assignments SET review_batch_id = $4 FROM audit WHERE assignments.id = audit.id
RETURNING assignments.id
