-- The slot rule, in one place: an assignment that ends without an answer that counts (its lease ran out,
-- the worker skipped or reported the item, the answer was rejected or discarded) gives its slot back to its
-- item, so another worker can answer it. Gold items hold no slots (the gold draw serves them), so they get
-- none back. One element per ended assignment: an item named twice gets two slots back.
-- Returns how many slots went back. PL/pgSQL so that each session plans the update once (the queue calls it).
CREATE OR REPLACE FUNCTION return_slots(ended_item_ids uuid[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    returned integer;
BEGIN
    IF coalesce(cardinality(ended_item_ids), 0) = 0 THEN
        RETURN 0;
    END IF;
    WITH per_item AS (
        SELECT item_id, count(*)::int AS n FROM unnest(ended_item_ids) AS t(item_id) GROUP BY item_id
    ), restored AS (
        UPDATE items SET remaining_slots = items.remaining_slots + per_item.n
        FROM per_item WHERE items.id = per_item.item_id AND items.gold_answer IS NULL
        RETURNING per_item.n
    )
    SELECT coalesce(sum(n), 0)::int INTO returned FROM restored;
    RETURN returned;
END $$;
