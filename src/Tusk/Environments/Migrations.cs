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
    ];
}
