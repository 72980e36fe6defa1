"""SQL views behind the effective-status models (see ``regulations.models.mappings``).

Kept here, not inline in one migration, because any later migration that rebuilds
``regulations_assessment``, ``regulations_requirementmapping``, ``regulations_requirement``
or ``regulations_rule`` on SQLite (adding a field does) must drop the views first and
create them again afterwards (SQLite checks views when it renames the rebuilt table).
"""

from django.db import migrations

# A firm's effective status on each requirement: its own assessment, or failing that the
# best status carried over from a mapped requirement (whole where the other side covers it,
# at most "partly met" where they only overlap). Two views: what the public may see (public
# assessments of requirements of published rules, so nothing carries over from a draft), and
# everything, for staff.
EFFECTIVE_STATUS = """
CREATE VIEW {view} AS
WITH visible AS (
    {visible}
),
edges AS (
    SELECT to_requirement_id AS requirement_id, from_requirement_id AS partner_id,
           CASE WHEN relationship IN ('equal', 'superset') THEN 1 ELSE 0 END AS covers
    FROM regulations_requirementmapping
    UNION ALL
    SELECT from_requirement_id, to_requirement_id,
           CASE WHEN relationship IN ('equal', 'subset') THEN 1 ELSE 0 END
    FROM regulations_requirementmapping
),
offered AS (
    SELECT v.id AS assessment_id, v.company_id, e.requirement_id, e.partner_id,
           CASE WHEN e.covers = 1 THEN v.status WHEN v.status = 'met' THEN 'partly_met' ELSE v.status END AS status,
           v.visibility, v.is_sample, v.evidence, v.assessed_on
    FROM edges e JOIN visible v ON v.requirement_id = e.partner_id
    WHERE v.status IN ('met', 'partly_met', 'gap')
      AND NOT EXISTS (
          SELECT 1 FROM visible d WHERE d.company_id = v.company_id AND d.requirement_id = e.requirement_id
      )
),
carried AS (
    SELECT offered.*, ROW_NUMBER() OVER (
        PARTITION BY company_id, requirement_id
        ORDER BY CASE status WHEN 'met' THEN 3 WHEN 'partly_met' THEN 2 ELSE 1 END DESC,
                 assessed_on DESC, assessment_id
    ) AS choice
    FROM offered
),
effective AS (
    SELECT company_id, requirement_id, status, FALSE AS carried, CAST(NULL AS BIGINT) AS via_requirement_id,
           visibility, is_sample, evidence, assessed_on
    FROM visible
    UNION ALL
    SELECT company_id, requirement_id, status, TRUE, partner_id, visibility, is_sample, evidence, assessed_on
    FROM carried WHERE choice = 1
)
SELECT ROW_NUMBER() OVER (ORDER BY company_id, requirement_id) AS id, effective.* FROM effective
"""


PUBLIC_ASSESSMENTS = """SELECT a.* FROM regulations_assessment a
    JOIN regulations_requirement q ON q.id = a.requirement_id
    JOIN regulations_rule r ON r.id = q.rule_id
    WHERE a.visibility = 'public' AND r.state = 'published'"""

VIEWS = [
    ("regulations_effective_status_public", PUBLIC_ASSESSMENTS),
    ("regulations_effective_status_all", "SELECT * FROM regulations_assessment"),
]


def create_effective_status_views() -> list[migrations.RunSQL]:
    """Migrations always create the views as defined here, today (see the module docstring)."""
    return [
        migrations.RunSQL(EFFECTIVE_STATUS.format(view=view, visible=visible), f"DROP VIEW IF EXISTS {view}")
        for view, visible in VIEWS
    ]


def drop_effective_status_views() -> list[migrations.RunSQL]:
    return [
        migrations.RunSQL(f"DROP VIEW IF EXISTS {view}", EFFECTIVE_STATUS.format(view=view, visible=visible))
        for view, visible in VIEWS
    ]
