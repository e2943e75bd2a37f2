-- The input and output quantity classes of transformation events get roles of their own in the identifier index, for
-- MATCH_inputEPCClass and MATCH_outputEPCClass. Rows written before carry the role `quantity`; their list is read from
-- the stored event (the index holds the canonical key, the event the class as written), so a class of an event that
-- has both lists is indexed under both roles.
INSERT INTO "event_epcs" ("key", "event_hash", "role", "event_type")
SELECT x."key", x."event_hash", r.role, x."event_type"
FROM "event_epcs" x
JOIN "events" e ON e."event_hash" = x."event_hash"
CROSS JOIN LATERAL (VALUES ('inputQuantity', 'inputQuantityList'), ('outputQuantity', 'outputQuantityList')) AS r(role, list)
WHERE x."role" = 'quantity' AND x."event_type" = 'TransformationEvent' AND jsonb_typeof(e."document" -> r.list) = 'array'
ON CONFLICT DO NOTHING;--> statement-breakpoint
DELETE FROM "event_epcs" WHERE "role" = 'quantity' AND "event_type" = 'TransformationEvent';--> statement-breakpoint
-- A JSON value as a number (a JSON number, or a string that is a decimal number, as XML-captured extension fields
-- are), else NULL: the event query compares extension fields and sensor readings with it and must not fail on a
-- value that is no number.
CREATE FUNCTION "json_number_or_null"(value jsonb) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF jsonb_typeof(value) = 'number' THEN
    RETURN value::numeric;
  END IF;
  IF jsonb_typeof(value) <> 'string' OR value #>> '{}' !~ '^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$' THEN
    RETURN NULL;
  END IF;
  BEGIN
    RETURN (value #>> '{}')::numeric;
  EXCEPTION WHEN data_exception THEN
    RETURN NULL;
  END;
END $$;--> statement-breakpoint
-- A JSON string that is an xsd:dateTimeStamp (a date-time with its offset) as an instant, else NULL.
CREATE FUNCTION "json_time_or_null"(value jsonb) RETURNS timestamptz
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  IF jsonb_typeof(value) <> 'string'
     OR value #>> '{}' !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})$' THEN
    RETURN NULL;
  END IF;
  BEGIN
    RETURN (value #>> '{}')::timestamptz;
  EXCEPTION WHEN data_exception THEN
    RETURN NULL;
  END;
END $$;
