namespace Tusk.Environments;

/// <summary>
/// The inventory's schema, version by version. Everything lives in the schema "tusk" so it
/// cannot collide with a team's own tables. A released migration is never edited: changes are
/// new versions, so any database can be brought from whatever version it has to the latest.
/// </summary>
public static class Migrations
{
    public const string Schema = "tusk";

    public static int Latest => All[^1].Version;

    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "environments, timestamps and audit", """
            CREATE TABLE tusk.environments (
                name        text PRIMARY KEY
                            CONSTRAINT environments_name_is_dns_label CHECK (length(name) <= 63 AND name ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'),
                provider    text NOT NULL CONSTRAINT environments_provider_known CHECK (provider IN ('k3d', 'kind')),
                subnet      cidr,
                node_port   integer CONSTRAINT environments_node_port_range CHECK (node_port BETWEEN 1 AND 65535),
                pf_port     integer CONSTRAINT environments_pf_port_range CHECK (pf_port BETWEEN 1 AND 65535),
                http_port   integer CONSTRAINT environments_http_port_range CHECK (http_port BETWEEN 1 AND 65535),
                https_port  integer CONSTRAINT environments_https_port_range CHECK (https_port BETWEEN 1 AND 65535),
                labels      jsonb NOT NULL DEFAULT '{}' CONSTRAINT environments_labels_object CHECK (jsonb_typeof(labels) = 'object'),
                created_at  timestamptz NOT NULL DEFAULT now(),
                updated_at  timestamptz NOT NULL DEFAULT now(),
                -- No two environments' subnets may share an address; inet_ops is built in, no extension needed.
                CONSTRAINT environments_subnet_no_overlap EXCLUDE USING gist (subnet inet_ops WITH &&)
            );
            CREATE UNIQUE INDEX environments_node_port_unique ON tusk.environments (node_port);
            CREATE UNIQUE INDEX environments_pf_port_unique ON tusk.environments (pf_port);
            CREATE UNIQUE INDEX environments_http_port_unique ON tusk.environments (http_port);
            CREATE UNIQUE INDEX environments_https_port_unique ON tusk.environments (https_port);
            CREATE INDEX environments_provider ON tusk.environments (provider);

            -- The database owns the timestamps: clients cannot forge them or forget them.
            CREATE FUNCTION tusk.environments_timestamps() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    NEW.created_at := now();
                ELSE
                    NEW.created_at := OLD.created_at;
                END IF;
                NEW.updated_at := now();
                RETURN NEW;
            END $$;
            CREATE TRIGGER environments_timestamps BEFORE INSERT OR UPDATE ON tusk.environments
                FOR EACH ROW EXECUTE FUNCTION tusk.environments_timestamps();

            CREATE TABLE tusk.environment_changes (
                id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                environment text NOT NULL,
                action      text NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
                old_row     jsonb,
                new_row     jsonb,
                changed_by  text NOT NULL DEFAULT current_user,
                changed_at  timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX environment_changes_environment ON tusk.environment_changes (environment, changed_at);

            CREATE FUNCTION tusk.environments_audit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO tusk.environment_changes (environment, action, new_row) VALUES (NEW.name, 'insert', to_jsonb(NEW));
                ELSIF TG_OP = 'UPDATE' THEN
                    INSERT INTO tusk.environment_changes (environment, action, old_row, new_row) VALUES (NEW.name, 'update', to_jsonb(OLD), to_jsonb(NEW));
                ELSE
                    INSERT INTO tusk.environment_changes (environment, action, old_row) VALUES (OLD.name, 'delete', to_jsonb(OLD));
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER environments_audit AFTER INSERT OR UPDATE OR DELETE ON tusk.environments
                FOR EACH ROW EXECUTE FUNCTION tusk.environments_audit();
            """),

        new(2, "one port, one owner, across all four columns", """
            -- A unique index per column cannot stop uat's https_port from being dev's http_port.
            -- Every port of every environment becomes a row here, keyed by the port itself, so the
            -- primary key refuses a second owner whatever the column; the trigger keeps the rows in
            -- step with environments inside the same statement, so no client can skip it.
            CREATE TABLE tusk.environment_ports (
                port        integer PRIMARY KEY,
                environment text NOT NULL REFERENCES tusk.environments (name) ON DELETE CASCADE ON UPDATE CASCADE,
                kind        text NOT NULL CHECK (kind IN ('node_port', 'pf_port', 'http_port', 'https_port')),
                CONSTRAINT environment_ports_one_per_kind UNIQUE (environment, kind)
            );

            CREATE FUNCTION tusk.environments_ports() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM tusk.environment_ports WHERE environment = NEW.name;
                INSERT INTO tusk.environment_ports (port, environment, kind)
                SELECT v.port, NEW.name, v.kind
                FROM (VALUES ('node_port', NEW.node_port), ('pf_port', NEW.pf_port), ('http_port', NEW.http_port), ('https_port', NEW.https_port)) AS v (kind, port)
                WHERE v.port IS NOT NULL;
                RETURN NULL;
            END $$;
            CREATE TRIGGER environments_ports AFTER INSERT OR UPDATE OF name, node_port, pf_port, http_port, https_port ON tusk.environments
                FOR EACH ROW EXECUTE FUNCTION tusk.environments_ports();

            -- Environments from version 1 may share a port between two columns: say which, and
            -- stop here (the whole step rolls back; the database stays at version 1).
            DO $$
            DECLARE shared text;
            BEGIN
                SELECT string_agg(format('%s (%s)', d.port, d.owners), ', ' ORDER BY d.port) INTO shared
                FROM (SELECT v.port, string_agg(e.name || ' as ' || v.kind, ' and ' ORDER BY e.name, v.kind) AS owners
                      FROM tusk.environments e,
                           LATERAL (VALUES ('node_port', e.node_port), ('pf_port', e.pf_port), ('http_port', e.http_port), ('https_port', e.https_port)) AS v (kind, port)
                      WHERE v.port IS NOT NULL
                      GROUP BY v.port HAVING count(*) > 1) AS d;
                IF shared IS NOT NULL THEN
                    RAISE EXCEPTION 'ports used more than once: %; give each its own port (tusk env set), then run tusk env init again', shared;
                END IF;
            END $$;

            INSERT INTO tusk.environment_ports (port, environment, kind)
            SELECT v.port, e.name, v.kind
            FROM tusk.environments e,
                 LATERAL (VALUES ('node_port', e.node_port), ('pf_port', e.pf_port), ('http_port', e.http_port), ('https_port', e.https_port)) AS v (kind, port)
            WHERE v.port IS NOT NULL;

            -- Implied by the table above.
            DROP INDEX tusk.environments_node_port_unique;
            DROP INDEX tusk.environments_pf_port_unique;
            DROP INDEX tusk.environments_http_port_unique;
            DROP INDEX tusk.environments_https_port_unique;
            """),

        new(3, "free lists: the lowest free value in one index probe", """
            -- "auto" takes the lowest free value of a pool. Searching the taken values for the first
            -- gap costs a pass over all of them, so each add got slower as the inventory grew. These
            -- tables hold the free values of every pool a writer has used (registered once, by the
            -- first writer that uses the pool) and triggers keep them in step in the same
            -- transaction. They are a cache: a search also checks a candidate against the taken
            -- values, and the keys and the exclusion constraint stay the only judges.
            CREATE TABLE tusk.port_pools (
                first integer NOT NULL,
                last  integer NOT NULL,
                PRIMARY KEY (first, last)
            );
            CREATE TABLE tusk.free_ports (port integer PRIMARY KEY);

            CREATE TABLE tusk.subnet_pools (
                network cidr NOT NULL,
                prefix  integer NOT NULL CHECK (prefix BETWEEN 1 AND 32),
                PRIMARY KEY (network, prefix)
            );
            CREATE TABLE tusk.free_subnets (subnet cidr PRIMARY KEY);
            CREATE INDEX free_subnets_overlap ON tusk.free_subnets USING gist (subnet inet_ops);

            -- The subnets of a pool (network cut into /prefix) that overlap s.
            CREATE FUNCTION tusk.pool_slots(pool cidr, prefix integer, s cidr) RETURNS SETOF cidr
            LANGUAGE sql IMMUTABLE AS $$
                SELECT set_masklen(b.start + i * b.step, prefix)::cidr
                FROM (SELECT network(set_masklen(greatest(network(pool), network(s)), prefix)) AS start,
                             least(broadcast(pool), broadcast(s)) AS hi,
                             1::bigint << (32 - prefix) AS step
                      WHERE pool && s) AS b,
                     generate_series(0::bigint, (b.hi - b.start) / b.step) AS i
            $$;

            -- Registering a pool takes lock 8391740385959833452 ("tuskpool") exclusively, the triggers
            -- take it shared: a value released while a pool is being registered is not missed.
            CREATE FUNCTION tusk.register_port_pool(p_first integer, p_last integer) RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM tusk.port_pools WHERE first = p_first AND last = p_last) THEN
                    RETURN;
                END IF;
                PERFORM pg_advisory_xact_lock(8391740385959833452);
                INSERT INTO tusk.port_pools (first, last) VALUES (p_first, p_last) ON CONFLICT DO NOTHING;
                IF FOUND THEN
                    INSERT INTO tusk.free_ports (port)
                    SELECT g FROM generate_series(p_first, p_last) AS g
                    WHERE NOT EXISTS (SELECT 1 FROM tusk.environment_ports ep WHERE ep.port = g)
                    ON CONFLICT DO NOTHING;
                END IF;
            END $$;

            CREATE FUNCTION tusk.register_subnet_pool(p_network cidr, p_prefix integer) RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM tusk.subnet_pools WHERE network = p_network AND prefix = p_prefix) THEN
                    RETURN;
                END IF;
                PERFORM pg_advisory_xact_lock(8391740385959833452);
                INSERT INTO tusk.subnet_pools (network, prefix) VALUES (p_network, p_prefix) ON CONFLICT DO NOTHING;
                IF FOUND THEN
                    INSERT INTO tusk.free_subnets (subnet)
                    SELECT s FROM tusk.pool_slots(p_network, p_prefix, p_network) AS s
                    WHERE NOT EXISTS (SELECT 1 FROM tusk.environments e WHERE e.subnet && s)
                    ON CONFLICT DO NOTHING;
                END IF;
            END $$;

            CREATE FUNCTION tusk.environment_ports_free_list() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock_shared(8391740385959833452);
                IF TG_OP = 'INSERT' THEN
                    DELETE FROM tusk.free_ports WHERE port = NEW.port;
                ELSE
                    INSERT INTO tusk.free_ports (port)
                    SELECT OLD.port WHERE EXISTS (SELECT 1 FROM tusk.port_pools p WHERE OLD.port BETWEEN p.first AND p.last)
                    ON CONFLICT DO NOTHING;
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER environment_ports_free_list AFTER INSERT OR DELETE ON tusk.environment_ports
                FOR EACH ROW EXECUTE FUNCTION tusk.environment_ports_free_list();

            CREATE FUNCTION tusk.environments_free_subnets() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock_shared(8391740385959833452);
                IF TG_OP <> 'INSERT' AND OLD.subnet IS NOT NULL THEN
                    INSERT INTO tusk.free_subnets (subnet)
                    SELECT s FROM tusk.subnet_pools p, LATERAL tusk.pool_slots(p.network, p.prefix, OLD.subnet) AS s
                    WHERE NOT EXISTS (SELECT 1 FROM tusk.environments e WHERE e.subnet && s)
                    ON CONFLICT DO NOTHING;
                END IF;
                IF TG_OP <> 'DELETE' AND NEW.subnet IS NOT NULL THEN
                    DELETE FROM tusk.free_subnets WHERE subnet && NEW.subnet;
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER environments_free_subnets AFTER INSERT OR UPDATE OF subnet OR DELETE ON tusk.environments
                FOR EACH ROW EXECUTE FUNCTION tusk.environments_free_subnets();
            """),
    ];
}
