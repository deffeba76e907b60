-- The ledger's balance rule (ADR 0013): every statement's entries balance per transaction, name accounts
-- and transactions that exist, in their account's currency; account balances follow the entries.
CREATE OR REPLACE FUNCTION ledger_entries_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    unbalanced uuid;
BEGIN
    -- Every statement's entries must balance per transaction by themselves: so a transaction can
    -- never be left unbalanced, and adding a balanced set keeps it so. No look at older entries.
    SELECT transaction_id INTO unbalanced FROM new_entries
    GROUP BY transaction_id HAVING sum(amount) <> 0 OR count(DISTINCT currency) > 1
    LIMIT 1;
    IF unbalanced IS NOT NULL THEN
        RAISE EXCEPTION 'ledger transaction % does not balance: its entries must sum to zero in one currency', unbalanced
            USING ERRCODE = '23514';
    END IF;
    -- Instead of foreign keys: each account and transaction named exists, checked once each, by primary key
    -- (= ANY of an array) whatever the transition table's size, and each entry has its account's currency.
    IF (SELECT count(*) FROM ledger_accounts WHERE id = ANY(ARRAY(SELECT DISTINCT account_id FROM new_entries)))
           <> (SELECT count(DISTINCT account_id) FROM new_entries)
       OR (SELECT count(*) FROM ledger_transactions WHERE id = ANY(ARRAY(SELECT DISTINCT transaction_id FROM new_entries)))
           <> (SELECT count(DISTINCT transaction_id) FROM new_entries) THEN
        RAISE EXCEPTION 'a ledger entry names an account or a transaction that does not exist' USING ERRCODE = '23503';
    END IF;
    IF EXISTS (SELECT 1 FROM ledger_accounts a
               WHERE a.id = ANY(ARRAY(SELECT DISTINCT account_id FROM new_entries))
                 AND EXISTS (SELECT 1 FROM new_entries n WHERE n.account_id = a.id AND n.currency <> a.currency)) THEN
        RAISE EXCEPTION 'a ledger entry''s currency differs from its account''s' USING ERRCODE = '23514';
    END IF;
    -- Balances are the sums of entries; the CHECK on ledger_accounts refuses a negative one.
    -- The callers have locked these rows already, in the ledger's order.
    UPDATE ledger_accounts a SET balance = a.balance + n.amount
    FROM (SELECT account_id, sum(amount) AS amount FROM new_entries GROUP BY account_id) n
    WHERE a.id = n.account_id AND a.balance IS NOT NULL;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER ledger_entries_check AFTER INSERT ON ledger_entries
    REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_check();
