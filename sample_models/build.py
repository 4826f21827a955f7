"""Build the VIVIM sample plan from the founders' seed document.

    python sample_models/build.py [OUT]      (default: sample_models/vivim.vivim, replaced)

Source: ``shared/seeds/000_5ea900fb35f65773.txt``, "VIVIM Detailed Cost Breakdown by
Milestone". The data below is copied table by table in the seed's own layout, one section per
milestone, with the cost cells kept as the seed prints them ("$75/mo × 3 = $225",
"$500–$2,000", "$0 (free tier)") and turned into plan fields by :func:`cost_cell`.

The seed is kept as stated, including where it contradicts itself (team lines whose printed
cost is not rate × 240 h × months × FTE, M5's Infrastructure Subtotal): the plan's audit
(``vivim-planner audit``) lists those disagreements; this script does not correct them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from vivim_planner.commands import insert_rows
from vivim_planner.domain import Plan, PlanSettings
from vivim_planner.storage import PlanDocument

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "vivim.vivim"

# The seed's team lines are priced at 240 h per FTE-month: "Senior Backend Engineer | $85/hr |
# 3 | 1.0 | $61,200" is 85 × 240 × 3 × 1.0, and 27 of the other 44 lines with a rate fit 240 h
# too (no other hours figure fits more than a few; the 17 that do not are the audit's findings).
HOURS_PER_MONTH = 240

# "Infrastructure Costs (2025)": AWS EC2 (t3.small) $0.021/hr ($15/mo). The seed's operating
# lines "N × t3.small" are priced at this rate.
T3_SMALL_PER_MONTH = 15

SEED_SOURCE = "VIVIM seed, milestone lines"

SETTINGS = PlanSettings(
    name="VIVIM",
    currency="USD",
    hours_per_month=HOURS_PER_MONTH,
    notes=(
        "VIVIM Detailed Cost Breakdown by Milestone: Research-Based Cost Analysis (2025 Data).\n\n"
        "Methodology: All cost estimates are based on 2025 market research from industry sources "
        "including ZipRecruiter, Glassdoor, AWS Pricing, OpenAI API Pricing, Pinecone, Supabase, Clerk, "
        "and legal industry surveys. Figures represent realistic ranges for a US-based startup building "
        "a complex AI platform.\n\n"
        "Disclaimer: All figures are estimates based on 2025 market data and should be validated with "
        "current quotes before budgeting."
    ),
)


# =============================================================================================
# ASSUMPTIONS & REFERENCE DATA / Personnel Costs (2025 US Market)
# =============================================================================================
# Role | Annual Salary (FTE) | Hourly Rate (Contractor) | Source; plus the rate-card category.
# The rate card's hourly rate is the midpoint of the contractor range.
RATE_CARD = [
    ("Junior Developer",    (75_000, 95_000),   (40, 50),   "ZipRecruiter 2025",     "Engineering"),
    ("Mid-Level Developer", (100_000, 130_000), (55, 70),   "Glassdoor 2025",        "Engineering"),
    ("Senior Developer",    (140_000, 180_000), (75, 95),   "ZipRecruiter 2025",     "Engineering"),
    ("Lead/Staff Engineer", (170_000, 220_000), (90, 120),  "Industry average",      "Engineering"),
    ("ML Engineer",         (150_000, 200_000), (80, 110),  "Indeed 2025",           "Engineering"),
    ("DevOps/SRE",          (130_000, 170_000), (70, 90),   "Glassdoor 2025",        "Engineering"),
    ("Designer (UX/UI)",    (90_000, 140_000),  (50, 80),   "Dribbble 2025",         "Design"),
    ("Product Manager",     (120_000, 170_000), (65, 90),   "Glassdoor 2025",        "Product"),
    ("Legal Counsel",       (200_000, 400_000), (250, 600), "ContractsCounsel 2025", "Legal"),
]

# Roles the milestone tables staff but the rate card lacks: their rate is the one the
# milestone lines use (the same on every line that names them).
EXTRA_ROLES = [
    # Role                   Rate  Category
    ("Database Architect",    80,  "Engineering"),
    ("Technical Writer",      50,  "Product"),
    ("Security Engineer",     90,  "Engineering"),
    ("Community Manager",     50,  "Marketing"),
    ("Compliance Consultant", 100, "Legal"),
    ("Marketing Lead",        70,  "Marketing"),
    ("Growth/BD",             60,  "Business Development"),
    ("Support",               30,  "Operations"),
    ("MLOps Engineer",        90,  "Engineering"),
    ("Data Engineer",         80,  "Engineering"),
    ("BD Lead",               70,  "Business Development"),
    ("Finance/Operations",    60,  "Operations"),
]


# =============================================================================================
# Milestones, one section each, in the seed's order. Tables keep the seed's columns:
#   team:  Role (as printed) | Rate ($/hr) | Months | FTE | Cost | -> rate-card role
#   build: {heading: (category of the Build Cost Summary, rows, subtotal label, subtotal)}
#          rows: Component/Service/Item/Activity | Details/Usage | Cost (as printed)
#   summary: Build Cost Summary rows: Category | Low | Mid | High, then the TOTAL row
#   ops: Variable Costs: Cost Driver | Calculation | Monthly Cost
# =============================================================================================
MILESTONES = []

# ---------------------------------------------------------------------------------------------
# MILESTONE 1: Foundation — The Sovereign Chat Layer
# ---------------------------------------------------------------------------------------------
MILESTONES.append(dict(
    code="M1", name="Foundation — The Sovereign Chat Layer",
    phase="Core Infrastructure + Multi-Provider Chat", months=(1, 3), users=500,
    short_name="M1: Foundation", trajectory_name="M1 (Alpha)",
    notes="Cost Per User (at 500 alpha users). Cost Impact Sources (M1): users provide their own LLM "
          "API keys (BYOK model); free tier infrastructure sufficient for MVP; self-hosted/community "
          "support; free development tools.",
    # Personnel (3 months)
    team=[
        ("Senior Backend Engineer",  85, 3, 1.0, 61_200, "Senior Developer"),
        ("Senior Frontend Engineer", 80, 3, 1.0, 57_600, "Senior Developer"),
        ("DevOps/Infra Engineer",    80, 3, 0.5, 9_600,  "DevOps/SRE"),
        ("Designer (UI/UX)",         60, 2, 0.5, 4_800,  "Designer (UX/UI)"),
    ],
    team_subtotal=133_200,
    build={
        "Infrastructure (One-time Setup)": ("Infrastructure", [
            ("Cloud Infrastructure (AWS/GCP)", "3 months development + staging", "$1,500"),
            ("Database Setup", "PostgreSQL + Vector DB initial config", "$500"),
            ("CI/CD Pipeline", "GitHub Actions + deployment scripts", "$0 (free tier)"),
            ("Development Tools", "IDE licenses, Figma, etc.", "$0"),
            ("Security Tools", "Snyk, dependabot (free tier)", "$0"),
        ], "Infrastructure Subtotal", "$2,000"),
        "Third-Party Services (3 months)": ("Third-Party", [
            ("LLM API Testing", "100K tokens across providers", "$500"),
            ("External API Access", "Provider API keys (dev)", "$300"),
            ("Domain & SSL", "Custom domain + Let's Encrypt", "$100"),
            ("Email (Dev)", "Resend free tier", "$0"),
        ], "Services Subtotal", "$900"),
        "Legal & Compliance": ("Legal", [
            ("ToS/Privacy Policy Draft (template-based)", "", "$500–$2,000"),
            ("Provider API Terms Review", "", "$1,000–$3,000"),
        ], "Legal Subtotal", "$1,500–$5,000"),
    },
    # Build Cost Summary (M1)
    summary=[
        ("Personnel",      40_000, 85_000, 150_000),
        ("Infrastructure", 500,    2_000,  8_000),
        ("Third-Party",    200,    900,    3_000),
        ("Legal",          500,    2_500,  8_000),
    ],
    summary_total=(41_200, 90_400, 169_000),
    # Cost Per User (at 500 alpha users) / Variable Costs
    ops=[
        ("Server Compute (t3.small x2)", "2 × $15/mo", "$30"),
        ("Database (Supabase Free)", "500MB limit", "$0"),
        ("Bandwidth (estimated)", "50MB/user × 500", "$10"),
        ("Auth (Clerk Free)", "500 MAU < 10K limit", "$0"),
        ("LLM API (BYOK)", "Users pay directly", "$0"),
        ("Monitoring (free tier)", "Uptime Robot", "$0"),
    ],
    ops_totals=[("Total Monthly Ops Cost", 40)],
    # Cost Per User Calculation
    per_user=dict(ops_total=40, users_label="Alpha Users", cpu=("0.08", "Cost Per User/Month")),
))

# ---------------------------------------------------------------------------------------------
# MILESTONE 2: Atomic Chat Units
# ---------------------------------------------------------------------------------------------
MILESTONES.append(dict(
    code="M2", name="Atomic Chat Units",
    phase="Data Architecture & Ownership", months=(3, 5), users=2_500,
    short_name="M2: ACU", trajectory_name="M2",
    notes="Cost Per User (at 2,500 users).",
    # Personnel (3 months)
    team=[
        ("Senior Backend Engineer", 85, 3, 1.0, 61_200, "Senior Developer"),
        ("Backend Engineer",        65, 3, 1.0, 46_800, "Mid-Level Developer"),
        ("Database Architect",      80, 2, 0.5, 9_600,  "Database Architect"),
        ("Technical Writer",        50, 1, 0.3, 1_800,  "Technical Writer"),
    ],
    team_subtotal=119_400,
    build={
        "Infrastructure (3 months)": ("Infrastructure", [
            ("Database (Production)", "Managed PostgreSQL (Supabase Pro)", "$75/mo × 3 = $225"),
            ("Vector DB (Development)", "Pinecone Starter (free)", "$0"),
            ("File Storage", "S3/R2 - minimal at this stage", "$50"),
            ("Backup/Disaster Recovery", "Setup scripts (free)", "$0"),
        ], "Infrastructure Subtotal", "$275"),
        "Third-Party Services (3 months)": ("Third-Party", [
            ("Encryption Keys", "AWS KMS (free tier)", "$0"),
            ("Hashing Compute", "Local (negligible)", "$0"),
            ("Export Formats", "Open source libraries", "$0"),
        ], "Services Subtotal", "$0"),
        "Legal": ("Legal", [
            ("Ownership Language Review", "", "$1,500–$4,000"),
            ("IP Assignment Templates", "", "$500–$1,500"),
        ], "Legal Subtotal", "$2,000–$5,500"),
    },
    # Build Cost Summary (M2)
    summary=[
        ("Personnel",      50_000, 80_000, 130_000),
        ("Infrastructure", 0,      275,    1_000),
        ("Third-Party",    0,      0,      500),
        ("Legal",          1_000,  3_000,  8_000),
    ],
    summary_total=(51_000, 83_275, 139_500),
    # Cost Per User (at 2,500 users) / Variable Costs
    ops=[
        ("Server Compute", "Additional t3.small", "$15"),
        ("Database", "Supabase Pro tier", "$25"),
        ("Vector DB", "Pinecone Starter", "$0"),
        ("Storage", "1GB additional", "$10"),
        ("Bandwidth", "100GB", "$20"),
        ("Auth", "Clerk Free (under 10K)", "$0"),
    ],
    ops_totals=[("Total Monthly Ops", 70)],
    per_user=dict(ops_total=70, users_label="Active Users", cpu=("0.028", "Cost Per User/Month")),
))

# ---------------------------------------------------------------------------------------------
# MILESTONE 3: Fork / Mux / Remux
# ---------------------------------------------------------------------------------------------
MILESTONES.append(dict(
    code="M3", name="Fork / Mux / Remux",
    phase="Composable Intelligence", months=(5, 7), users=10_000,
    short_name="M3: Compose", trajectory_name="M3",
    notes="Cost Per User (at 10,000 users).",
    # Personnel (3 months)
    team=[
        ("Senior Backend Engineer",    85, 3, 1.0, 61_200, "Senior Developer"),
        ("Backend Engineer",           65, 3, 1.0, 46_800, "Mid-Level Developer"),
        ("Frontend Engineer (Visual)", 70, 3, 1.0, 50_400, "Mid-Level Developer"),
        ("UX Designer",                60, 3, 0.5, 10_800, "Designer (UX/UI)"),
    ],
    team_subtotal=169_200,
    build={
        "Infrastructure (3 months)": ("Infrastructure", [
            ("Server Compute", "Additional capacity", "$150"),
            ("Database", "Growth allocation", "$50"),
            ("Background Workers", "Queue system", "$30"),
        ], "Infrastructure Subtotal", "$230"),
    },
    # Build Cost Summary (M3)
    summary=[
        ("Personnel",      80_000, 120_000, 200_000),
        ("Infrastructure", 100,    230,     800),
        ("Design",         5_000,  10_000,  20_000),
    ],
    summary_total=(85_100, 130_230, 220_800),
    # Cost Per User (at 10,000 users) / Variable Costs
    ops=[
        ("Server Compute", "4 × t3.small", "$60"),
        ("Database", "Supabase Pro", "$50"),
        ("Storage", "10GB", "$20"),
        ("Bandwidth", "200GB", "$40"),
        ("Background Jobs", "Queue usage", "$20"),
    ],
    ops_totals=[("Total Monthly Ops", 190)],
    per_user=dict(ops_total=190, users_label="Active Users", cpu=("0.019", "Cost Per User/Month")),
))

# ---------------------------------------------------------------------------------------------
# MILESTONE 4: Context Engine
# ---------------------------------------------------------------------------------------------
MILESTONES.append(dict(
    code="M4", name="Context Engine",
    phase="Second Brain + Storage", months=(6, 9), users=25_000,
    short_name="M4: Context", trajectory_name="M4",
    notes="Cost Per User (at 25,000 users). Cost Impact Sources (M4): embedding API is the largest "
          "cost driver; can optimize with local embeddings (WebGPU) to reduce; storage scales "
          "linearly with users.",
    # Personnel (4 months)
    team=[
        ("Senior Backend Engineer", 85, 4, 1.0, 81_600, "Senior Developer"),
        ("ML Engineer",             90, 4, 1.0, 86_400, "ML Engineer"),
        ("ML Engineer (Junior)",    70, 4, 0.5, 26_880, "ML Engineer"),
        ("Backend Engineer",        65, 4, 1.0, 62_400, "Mid-Level Developer"),
        ("Security Engineer",       90, 1, 0.3, 6_480,  "Security Engineer"),
    ],
    team_subtotal=263_760,
    build={
        "Infrastructure (4 months)": ("Infrastructure", [
            ("Vector DB", "Pinecone Standard", "$50/mo × 4 = $200"),
            ("Embedding API", "OpenAI (batch)", "$500/mo × 4 = $2,000"),
            ("Database", "PostgreSQL scaling", "$100/mo × 4 = $400"),
            ("Server Compute", "6 × t3.small", "$90/mo × 4 = $360"),
            ("Encryption", "AWS KMS", "$50/mo × 4 = $200"),
            ("Storage (User Data)", "50GB", "$50/mo × 4 = $200"),
        ], "Infrastructure Subtotal", "$3,360"),
        # the Build Cost Summary calls this category "Compliance"
        "Compliance & Legal": ("Compliance", [
            ("GDPR Compliance Review", "", "$5,000–$15,000"),
            ("Security Audit", "", "$5,000–$15,000"),
            ("Encryption Consultation", "", "$2,000–$5,000"),
        ], "Legal Subtotal", "$12,000–$35,000"),
    },
    # Build Cost Summary (M4)
    summary=[
        ("Personnel",      120_000, 180_000, 300_000),
        ("Infrastructure", 1_500,   3_500,   12_000),
        ("Compliance",     5_000,   12_000,  35_000),
    ],
    summary_total=(126_500, 195_500, 347_000),
    # Cost Per User (at 25,000 users) / Variable Costs
    ops=[
        ("Server Compute", "8 × t3.small", "$120"),
        ("Database", "PostgreSQL Pro", "$75"),
        ("Vector DB", "Pinecone Standard", "$50"),
        ("Embedding API", "~50M tokens/mo", "$125"),
        ("Storage", "100GB", "$50"),
        ("Bandwidth", "500GB", "$100"),
        ("Encryption Services", "AWS KMS", "$30"),
    ],
    ops_totals=[("Total Monthly Ops", 550)],
    per_user=dict(ops_total=550, users_label="Active Users", cpu=("0.022", "Cost Per User/Month")),
))

# ---------------------------------------------------------------------------------------------
# MILESTONE 5: Social Layer
# ---------------------------------------------------------------------------------------------
MILESTONES.append(dict(
    code="M5", name="Social Layer",
    phase="Growth Engine", months=(8, 11), users=50_000,
    short_name="M5: Social", trajectory_name="M5",
    notes="Cost Per User (at 50,000 users).",
    # Personnel (4 months)
    team=[
        ("Senior Backend Engineer", 85, 4, 1.0, 81_600, "Senior Developer"),
        ("Backend Engineer",        65, 4, 1.0, 62_400, "Mid-Level Developer"),
        ("Frontend Engineer",       70, 4, 1.0, 67_200, "Mid-Level Developer"),
        ("Frontend Engineer",       70, 4, 0.5, 33_600, "Mid-Level Developer"),
        ("Designer",                60, 4, 0.5, 14_400, "Designer (UX/UI)"),
        ("Community Manager",       50, 4, 0.5, 12_000, "Community Manager"),
    ],
    team_subtotal=271_200,
    build={
        "Infrastructure (4 months)": ("Infrastructure", [
            ("CDN (Media)", "Cloudflare Pro", "$40/mo × 4 = $160"),
            ("Object Storage", "Increased (images, etc.)", "$100/mo × 4 = $400"),
            ("Database", "Read replicas", "$100/mo × 4 = $400"),
            ("Server Compute", "10 × t3.small", "$150/mo × 4 = $600"),
            ("Real-time (WebSocket)", "Additional capacity", "$50/mo × 4 = $200"),
            ("Content Moderation", "API calls", "$100/mo × 4 = $400"),
        ], "Infrastructure Subtotal", "$2,220"),  # the lines add up to $2,160
        "Third-Party": ("Third-Party", [
            ("Content Moderation API", "", "$400"),
            ("Image Processing", "", "$200"),
        ], "Third-Party Subtotal", "$600"),
    },
    # Build Cost Summary (M5)
    summary=[
        ("Personnel",          150_000, 220_000, 350_000),
        ("Infrastructure",     1_000,   2_200,   8_000),
        ("Third-Party",        200,     600,     2_000),
        ("Marketing (Growth)", 5_000,   20_000,  60_000),
    ],
    summary_total=(156_200, 242_800, 420_000),
    # Cost Per User (at 50,000 users) / Variable Costs
    ops=[
        ("Server Compute", "15 × t3.small", "$225"),
        ("Database", "PostgreSQL + Read Replica", "$150"),
        ("CDN & Storage", "500GB", "$150"),
        ("Vector DB", "Pinecone Standard", "$50"),
        ("Real-time", "WebSocket capacity", "$100"),
        ("Content Moderation", "API usage", "$200"),
        ("Embedding API", "100M tokens", "$250"),
    ],
    ops_totals=[("Total Monthly Ops", 1_125)],
    per_user=dict(ops_total=1_125, users_label="Active Users", cpu=("0.023", "Cost Per User/Month")),
))

# ---------------------------------------------------------------------------------------------
# MILESTONE 6: Consent Framework
# ---------------------------------------------------------------------------------------------
MILESTONES.append(dict(
    code="M6", name="Consent Framework",
    phase="Trust Architecture", months=(10, 13), users=75_000,
    short_name="M6: Consent", trajectory_name="M6",
    notes="Cost Per User (at 75,000 users). Cost Impact Sources (M6): PII detection scales with "
          "contribution volume, not total users; consent system is lightweight once built.",
    # Personnel (4 months)
    team=[
        ("Senior Backend Engineer", 85,  4, 1.0, 81_600, "Senior Developer"),
        ("Backend Engineer",        65,  4, 1.0, 62_400, "Mid-Level Developer"),
        ("ML Engineer (PII)",       90,  4, 0.5, 43_200, "ML Engineer"),
        ("Security Engineer",       90,  2, 0.5, 8_640,  "Security Engineer"),
        ("Compliance Consultant",   100, 2, 0.3, 7_200,  "Compliance Consultant"),
    ],
    team_subtotal=203_040,
    build={
        "Infrastructure (4 months)": ("Infrastructure", [
            ("PII Detection API", "Cloud AI services", "$200/mo × 4 = $800"),
            ("Audit Database", "Additional storage", "$50/mo × 4 = $200"),
            ("Server Compute", "6 × t3.small", "$90/mo × 4 = $360"),
            ("Consent Ledger", "Blockchain/log", "$50/mo × 4 = $200"),
        ], "Infrastructure Subtotal", "$1,560"),
        # the Build Cost Summary calls this category "Legal/Compliance"
        "Legal (4 months)": ("Legal/Compliance", [
            ("Privacy Counsel (ongoing)", "", "$15,000–$30,000"),
            ("ToS for Contribution", "", "$5,000–$10,000"),
            ("GDPR/CCPA Compliance", "", "$10,000–$25,000"),
            ("External Privacy Audit", "", "$10,000–$20,000"),
        ], "Legal Subtotal", "$40,000–$85,000"),
    },
    # Build Cost Summary (M6)
    summary=[
        ("Personnel",        100_000, 150_000, 250_000),
        ("Infrastructure",   800,     1_600,   5_000),
        ("Legal/Compliance", 30_000,  55_000,  100_000),
    ],
    summary_total=(130_800, 206_600, 355_000),
    # Cost Per User (at 75,000 users) / Variable Costs
    ops=[
        ("Server Compute", "8 × t3.small", "$120"),
        ("Database", "PostgreSQL", "$100"),
        ("PII Detection", "1M API calls", "$100"),
        ("Consent Storage", "Additional 10GB", "$20"),
        ("Bandwidth", "300GB", "$60"),
    ],
    ops_totals=[("Total Monthly Ops", 400)],
    # $400 / 75,000 = $0.00533..., printed $0.005 (a rounding, not a disagreement)
    per_user=dict(ops_total=400, users_label="Active Users", cpu=("0.005", "Cost Per User/Month")),
))

# ---------------------------------------------------------------------------------------------
# MILESTONE 7: Scale (100K Users)
# ---------------------------------------------------------------------------------------------
MILESTONES.append(dict(
    code="M7", name="Scale (100K Users)",
    phase="Growth + Critical Mass", months=(12, 15), users=100_000,
    short_name="M7: Scale", trajectory_name="M7",
    notes="Cost Per User (at 100,000 users). Note: M7 is primarily a growth phase, not a build phase. "
          "Costs are weighted toward marketing and operations. Cost Impact Sources (M7): support "
          "becomes significant at scale; infrastructure scales with users but not linearly (economies "
          "of scale); marketing is the primary variable.",
    # Personnel (4 months). "Engineering (Maintain) | — | — | 4.0 | $180,000" has no rate or
    # months: a lump sum (see build_team below).
    team=[
        ("Engineering (Maintain)", None, None, 4.0, 180_000, "Mid-Level Developer"),
        ("Marketing Lead",         70,   4,    1.0, 53_760,  "Marketing Lead"),
        ("Growth/BD",              60,   4,    1.0, 46_080,  "Growth/BD"),
        ("Community Manager",      50,   4,    1.0, 38_400,  "Community Manager"),
        ("Support (Part-time)",    30,   4,    2.0, 23_040,  "Support"),
    ],
    team_subtotal=341_280,
    build={
        "Infrastructure (4 months)": ("Infrastructure", [
            ("Server Compute", "Scale to 20 instances", "$600/mo × 4 = $2,400"),
            ("Database", "PostgreSQL Enterprise", "$300/mo × 4 = $1,200"),
            ("Vector DB", "Pinecone Enterprise", "$500/mo × 4 = $2,000"),
            ("CDN", "2TB bandwidth", "$400/mo × 4 = $1,600"),
            ("Storage", "1TB", "$100/mo × 4 = $400"),
            ("Monitoring", "Datadog (scaling)", "$200/mo × 4 = $800"),
        ], "Infrastructure Subtotal", "$8,400"),
        # the Build Cost Summary calls this category "Marketing"
        "Marketing & Growth": ("Marketing", [
            ("Content Marketing", "", "$10,000–$30,000"),
            ("Creator Partnerships", "", "$20,000–$50,000"),
            ("Referral Program", "", "$5,000–$15,000"),
            ("SEO/Tools", "", "$3,000–$8,000"),
        ], "Marketing Subtotal", "$38,000–$103,000"),
    },
    # Build Cost Summary (M7)
    summary=[
        ("Personnel",      200_000, 280_000, 450_000),
        ("Infrastructure", 4_000,   8_000,   20_000),
        ("Marketing",      20_000,  50_000,  120_000),
        ("Support",        10_000,  20_000,  40_000),
    ],
    summary_total=(234_000, 358_000, 630_000),
    # Cost Per User (at 100,000 users) / Variable Costs
    ops=[
        ("Server Compute", "25 × t3.small", "$375"),
        ("Database", "PostgreSQL Enterprise", "$400"),
        ("Vector DB", "Pinecone Enterprise", "$500"),
        ("CDN", "3TB", "$600"),
        ("Storage", "2TB", "$150"),
        ("Embeddings", "200M tokens", "$500"),
        ("Support Allocation", "2 FTE", "$5,000"),
    ],
    ops_totals=[("Total Monthly Ops", 7_525)],
    per_user=dict(ops_total=7_525, users_label="Active Users", cpu=("0.075", "Cost Per User/Month")),
))

# ---------------------------------------------------------------------------------------------
# MILESTONE 8: First Model Training
# ---------------------------------------------------------------------------------------------
MILESTONES.append(dict(
    code="M8", name="First Model Training",
    phase="ML Pipeline", months=(14, 17), users=100_000,
    short_name="M8: Training", trajectory_name="M8",
    notes="Cost Per User (at 100K users, pre-revenue). Cost Impact Sources (M8): model training is "
          "the dominant cost; first training run is most expensive, subsequent runs cheaper; can use "
          "LoRA fine-tuning ($2K-15K) for faster iteration.",
    # Personnel (4 months)
    team=[
        ("ML Engineer (Senior)", 100, 4, 1.0, 96_000, "ML Engineer"),
        ("ML Engineer",          90,  4, 1.0, 86_400, "ML Engineer"),
        ("MLOps Engineer",       90,  4, 1.0, 86_400, "MLOps Engineer"),
        ("Data Engineer",        80,  4, 0.5, 38_400, "Data Engineer"),
        ("Backend Engineer",     65,  4, 0.5, 31_200, "Mid-Level Developer"),
    ],
    team_subtotal=338_400,
    build={
        "Infrastructure (4 months)": ("Infrastructure", [
            ("GPU Training", "H100 x 8 (training runs)", "$25,000–$50,000"),
            ("Data Pipeline", "Compute + Storage", "$2,000/mo × 4 = $8,000"),
            ("Model Registry", "S3 + metadata", "$500/mo × 4 = $2,000"),
            ("Evaluation Compute", "A100 instances", "$3,000/mo × 4 = $12,000"),
            ("Training Data Storage", "10TB", "$500/mo × 4 = $2,000"),
        ], "Infrastructure Subtotal", "$49,000–$74,000"),
        "Third-Party": ("Third-Party", [
            ("Base Model Access (Llama)", "", "$0 (open-source)"),
            ("Evaluation Benchmarks", "", "$2,000–$5,000"),
            ("Documentation", "", "$1,000–$3,000"),
        ], "Third-Party Subtotal", "$3,000–$8,000"),
    },
    # Build Cost Summary (M8)
    summary=[
        ("Personnel",      200_000, 280_000, 420_000),
        ("Infrastructure", 25_000,  50_000,  120_000),
        ("Third-Party",    2_000,   5_000,   15_000),
        ("Legal (IP)",     10_000,  25_000,  50_000),
    ],
    summary_total=(237_000, 360_000, 605_000),
    # Cost Per User (at 100K users, pre-revenue) / Variable Costs (Platform Operations).
    # $50K ÷ 12 months is $4,166.67; the seed prints (and adds up) $4,167.
    ops=[
        ("Platform (same as M7)", "Base operations", "$7,525"),
        ("Training Pipeline (amortized)", "$50K ÷ 12 months", "$4,167"),
    ],
    ops_totals=[("Total Monthly Ops", 11_692)],
    per_user=dict(ops_total=11_692, users_label="Active Users", cpu=("0.12", "Cost Per User/Month")),
))

# ---------------------------------------------------------------------------------------------
# MILESTONE 9: First Model Revenue
# ---------------------------------------------------------------------------------------------
MILESTONES.append(dict(
    code="M9", name="First Model Revenue",
    phase="Commercialization", months=(17, 20), users=100_000,
    short_name="M9: Revenue", trajectory_name="M9",
    notes="Cost Per User (at 100K users + API customers). Revenue figures are the seed's estimates.",
    # Personnel (4 months)
    team=[
        ("Backend Engineer", 65, 4, 1.0, 62_400, "Mid-Level Developer"),
        ("DevOps (API)",     80, 4, 0.5, 38_400, "DevOps/SRE"),
        ("BD Lead",          70, 4, 1.0, 53_760, "BD Lead"),
        ("Technical Writer", 50, 2, 0.5, 4_800,  "Technical Writer"),
    ],
    team_subtotal=159_360,
    build={
        "Infrastructure (4 months)": ("Infrastructure", [
            ("Inference API", "GPU instances", "$5,000/mo × 4 = $20,000"),
            ("API Gateway", "Scale with usage", "$1,000/mo × 4 = $4,000"),
            ("Billing System", "Stripe integration", "$500/mo × 4 = $2,000"),
            # the seed's row has no Details cell: "| Documentation Hosting | $200/mo × 4 = $800 |"
            ("Documentation Hosting", "", "$200/mo × 4 = $800"),
        ], "Infrastructure Subtotal", "$26,800"),
        "Third-Party": ("Third-Party", [
            ("Stripe (Payment Processing)", "", "2.9% + $0.30 per transaction"),
            ("API Documentation", "", "$500"),
            ("SDK Development", "", "$1,000"),
        ], "Third-Party Subtotal", "$1,500"),
    },
    # Build Cost Summary (M9)
    summary=[
        ("Personnel",      80_000, 130_000, 220_000),
        ("Infrastructure", 15_000, 25_000,  50_000),
        ("Third-Party",    1_000,  3_000,   8_000),
        ("BD/Marketing",   10_000, 30_000,  80_000),
    ],
    summary_total=(106_000, 188_000, 358_000),
    # Cost Per User (at 100K users + API customers) / Variable Costs
    ops=[
        ("Platform Operations", "From M8", "$7,525"),
        ("Inference API (VIVIM model)", "10M VIVIM tokens", "$500"),
        ("API Infrastructure", "Additional capacity", "$2,000"),
        ("Billing", "Payment processing (est.)", "$1,000"),
        ("Support", "Additional 1 FTE", "$3,000"),
    ],
    ops_totals=[("Total Monthly Ops", 14_025)],
    # Revenue Offset: Source | Est. Revenue (per month) | customers in the source's brackets
    revenue=[
        ("API Customers", 10, 25_000),
        ("Enterprise Deals", 3, 20_000),
    ],
    # "Net Platform Cost ($30,975)" in Revenue Offset, "-$30,975" in Cost Per User (Covered by Revenue)
    net=[("Revenue Offset, Net Platform Cost", -30_975),
         ("Cost Per User (Covered by Revenue), Net Platform Cost", -30_975)],
    per_user=dict(ops_total=None, users_label="Active Users", cpu=("-0.31", "Net Cost Per User/Month")),
))

# ---------------------------------------------------------------------------------------------
# MILESTONE 10: First Dividend Distribution
# ---------------------------------------------------------------------------------------------
MILESTONES.append(dict(
    code="M10", name="First Dividend Distribution",
    phase="The Flywheel", months=(20, 22), users=100_000,
    short_name="M10: Dividend", trajectory_name="M10",
    notes="Cost Per User (Post-Dividend). Users: the Cost Per User Trajectory prints \"100,000+\" "
          "(planned here as 100,000).",
    # Personnel (3 months)
    team=[
        ("Backend Engineer",   65,  3, 1.0, 46_800, "Mid-Level Developer"),
        ("Finance/Operations", 60,  3, 1.0, 43_200, "Finance/Operations"),
        ("Support",            30,  3, 1.0, 21_600, "Support"),
        ("Legal",              300, 2, 0.2, 14_400, "Legal Counsel"),
    ],
    team_subtotal=126_000,
    build={
        "Infrastructure (3 months)": ("Infrastructure", [
            ("Dividend Platform", "Build + maintain", "$5,000"),
            ("Payment Processing", "First payouts", "$3,000"),
            ("Dashboard", "User-facing", "$2,000"),
            ("Tax Documentation", "Setup", "$2,000"),
        ], "Infrastructure Subtotal", "$12,000"),
        "Third-Party": ("Third-Party", [
            ("Stripe Connect", "", "$5,000 (setup + fees)"),
            ("Tax Service (1099)", "", "$3,000"),
            ("Legal Review", "", "$10,000"),
        ], "Third-Party Subtotal", "$18,000"),
        "Marketing (First Dividend)": ("Marketing", [
            ("PR/Communications", "", "$10,000–$30,000"),
            ("Campaign", "", "$5,000–$15,000"),
        ], "Marketing Subtotal", "$15,000–$45,000"),
    },
    # Build Cost Summary (M10)
    summary=[
        ("Personnel",      80_000, 110_000, 180_000),
        ("Infrastructure", 8_000,  12_000,  25_000),
        ("Third-Party",    10_000, 18_000,  35_000),
        ("Marketing",      10_000, 25_000,  60_000),
    ],
    summary_total=(108_000, 165_000, 300_000),
    # Cost Per User (Post-Dividend) / Variable Costs
    ops=[
        ("Platform Operations", "From M9", "$7,525"),
        ("Dividend Platform", "Amortized", "$2,000"),
        ("Support", "Additional 2 FTE", "$6,000"),
        ("Payment Processing", "Payout fees", "$2,000"),
        ("Compliance", "Ongoing", "$1,000"),
    ],
    ops_totals=[("Total Monthly Ops", 18_525)],
    # Revenue (Covered)
    revenue=[
        ("API + Enterprise", None, 45_000),
    ],
    # "Net Platform Profit $26,475/mo": a profit, so the net cost is negative
    net=[("Revenue (Covered), Net Platform Profit", -26_475)],
    per_user=None,  # M10 prints no cost per user of its own; see the trajectory
))


# =============================================================================================
# CONSOLIDATED COST SUMMARY / Build/Development (22 Months Total)
# =============================================================================================
CONSOLIDATED = [
    # Milestone        Low        Mid        High
    ("M1: Foundation", 41_200,  90_400,  169_000),
    ("M2: ACU",        51_000,  83_275,  139_500),
    ("M3: Compose",    85_100,  130_230, 220_800),
    ("M4: Context",    126_500, 195_500, 347_000),
    ("M5: Social",     156_200, 242_800, 420_000),
    ("M6: Consent",    130_800, 206_600, 355_000),
    ("M7: Scale",      234_000, 358_000, 630_000),
    ("M8: Training",   237_000, 360_000, 605_000),
    ("M9: Revenue",    106_000, 188_000, 358_000),
    ("M10: Dividend",  108_000, 165_000, 300_000),
]
CONSOLIDATED_TOTAL = (1_275_800, 2_019_805, 3_544_300)

# =============================================================================================
# Cost Per User Trajectory
# =============================================================================================
TRAJECTORY = [
    # Milestone     Users       Cost/User/Month (as printed)
    ("M1 (Alpha)", "500",      "$0.08"),
    ("M2",         "2,500",    "$0.028"),
    ("M3",         "10,000",   "$0.019"),
    ("M4",         "25,000",   "$0.022"),
    ("M5",         "50,000",   "$0.023"),
    ("M6",         "75,000",   "$0.005"),
    ("M7",         "100,000",  "$0.075"),
    ("M8",         "100,000",  "$0.12"),
    ("M9",         "100,000",  "-$0.31 (profit)"),
    ("M10",        "100,000+", "-$0.26 (profit)"),
]


# =============================================================================================
# Turning the seed's printed cells into plan fields
# =============================================================================================
_MONEY = r"\$([\d,]+(?:\.\d+)?)"
_PER_MONTH_TIMES = re.compile(rf"^{_MONEY}/mo × (\d+) = {_MONEY}$")  # $75/mo × 3 = $225
_RANGE = re.compile(rf"^{_MONEY}–{_MONEY}$")  # $500–$2,000
_POINT = re.compile(rf"^{_MONEY}(?: \((.+)\))?$")  # $1,500 / $0 (free tier)
_N_TIMES_PRICE = re.compile(rf"^(\d+) × {_MONEY}/mo$")  # 2 × $15/mo
_N_TIMES_T3 = re.compile(r"^(\d+) × t3\.small$")  # 8 × t3.small
_SIGNED_PRICE = re.compile(r"^(-?)\$(\d+\.\d+)(?: \(profit\))?$")  # -$0.31 (profit)


def dollars(text: str) -> float:
    return float(text.replace(",", ""))


def cost_cell(text: str) -> dict:
    """Fields of a build cost line from its printed Cost cell.

    ``$75/mo × 3 = $225`` -> quantity 3 × unit cost 75, stated 225; ``$500–$2,000`` -> low / high;
    ``$1,500`` -> amount; ``$0 (free tier)`` -> amount 0 with the remark; anything else (Stripe's
    ``2.9% + $0.30 per transaction``) has no amount and is kept as text.
    """
    if m := _PER_MONTH_TIMES.match(text):
        return dict(unit_cost=dollars(m[1]), quantity=int(m[2]), stated_cost=dollars(m[3]))
    if m := _RANGE.match(text):
        return dict(low=dollars(m[1]), high=dollars(m[2]))
    if m := _POINT.match(text):
        return dict(amount=dollars(m[1]), remark=m[2] or "")
    return dict(remark=text)


def ops_cells(calculation: str, monthly: str) -> dict:
    """Fields of an operating cost line from its Calculation and Monthly Cost cells."""
    stated = dollars(_POINT.match(monthly)[1])
    if m := _N_TIMES_PRICE.match(calculation):
        return dict(quantity=int(m[1]), unit_cost=dollars(m[2]), stated_cost=stated)
    if m := _N_TIMES_T3.match(calculation):
        return dict(quantity=int(m[1]), unit_cost=T3_SMALL_PER_MONTH, stated_cost=stated)
    return dict(amount=stated)


def decimals_of(text: str) -> int:
    """Printed decimals of ``0.028`` -> 3."""
    return len(text.split(".")[1]) if "." in text else 0


# =============================================================================================
# Building the plan
# =============================================================================================
def build_plan() -> Plan:
    plan = Plan(SETTINGS)
    rows: dict[str, list[dict]] = {name: [] for name in plan.tables}

    def stated(code: str | None, metric: str, value: float, label: str, *, category: str = "",
               bound: str = "value", decimals: int = 0) -> None:
        rows["stated_figures"].append(dict(milestone=code, metric=metric, category=category, bound=bound,
                                           value=value, decimals=decimals, label=label))

    # rate card
    for name, (s_lo, s_hi), (r_lo, r_hi), source, category in RATE_CARD:
        rows["roles"].append(dict(name=name, category=category, hourly_rate=(r_lo + r_hi) / 2,
                                  hourly_rate_low=r_lo, hourly_rate_high=r_hi,
                                  salary_low=s_lo, salary_high=s_hi, source=source))
    for name, rate, category in EXTRA_ROLES:
        rows["roles"].append(dict(name=name, category=category, hourly_rate=rate, source=SEED_SOURCE))

    for m in MILESTONES:
        code = m["code"]
        first, last = m["months"]
        rows["milestones"].append(dict(code=code, name=m["name"], phase=m["phase"], start_month=first,
                                       end_month=last, target_users=m["users"], notes=m["notes"]))
        # Personnel
        for title, rate, months, fte, cost, role in m["team"]:
            line = dict(milestone=code, role=role, title=title, fte=fte, stated_cost=cost)
            if rate is None:  # "Engineering (Maintain) | — | — | 4.0 | $180,000"
                line.update(months=None, lump_sum=cost)
            else:
                line.update(hourly_rate=rate, months=months)
            rows["allocations"].append(line)
        stated(code, "allocations_subtotal", m["team_subtotal"], f"{code} Personnel Subtotal")
        # Infrastructure / Third-Party / Legal / Compliance / Marketing tables
        for heading, (category, items, subtotal_label, subtotal) in m["build"].items():
            for description, details, cost in items:
                fields = cost_cell(cost)
                remark = fields.pop("remark", "")
                details = "; ".join(x for x in (details, remark) if x)
                rows["build_items"].append(dict(milestone=code, category=category, description=description,
                                                details=details, **fields))
            total = cost_cell(subtotal)
            label = f"{code} {subtotal_label}"
            if "low" in total:
                stated(code, "build_subtotal", total["low"], label, category=category, bound="low")
                stated(code, "build_subtotal", total["high"], label, category=category, bound="high")
            else:
                stated(code, "build_subtotal", total["amount"], label, category=category)
        # Build Cost Summary
        for category, low, mid, high in m["summary"]:
            rows["estimates"].append(dict(milestone=code, category=category, low=low, mid=mid, high=high))
        for bound, value in zip(("low", "mid", "high"), m["summary_total"]):
            stated(code, "estimate_total", value, f"{code} Build Cost Summary TOTAL", bound=bound)
        # Variable Costs
        for driver, calculation, monthly in m["ops"]:
            rows["operating_costs"].append(dict(milestone=code, driver=driver, calculation=calculation,
                                                **ops_cells(calculation, monthly)))
        for label, value in m["ops_totals"]:
            stated(code, "operating_total", value, f"{code} Variable Costs {label}")
        # Revenue Offset
        for source, customers, amount in m.get("revenue", ()):
            rows["revenues"].append(dict(milestone=code, source=source, customers=customers, amount=amount))
        for label, value in m.get("net", ()):
            stated(code, "net_operating", value, f"{code} {label}")
        # Cost Per User
        per_user = m["per_user"]
        if per_user:
            if per_user["ops_total"] is not None:
                stated(code, "operating_total", per_user["ops_total"], f"{code} Cost Per User, Total Monthly Ops")
            stated(code, "users", m["users"], f"{code} Cost Per User, {per_user['users_label']}")
            text, label = per_user["cpu"]
            stated(code, "cost_per_user", float(text), f"{code} {label}", decimals=decimals_of(text))

    # Consolidated Cost Summary
    for (name, low, mid, high), m in zip(CONSOLIDATED, MILESTONES):
        assert name == m["short_name"], (name, m["short_name"])
        for bound, value in (("low", low), ("mid", mid), ("high", high)):
            stated(m["code"], "estimate_total", value, f"Consolidated summary, {m['code']} row", bound=bound)
    for bound, value in zip(("low", "mid", "high"), CONSOLIDATED_TOTAL):
        stated(None, "consolidated_total", value, "Consolidated summary TOTAL", bound=bound)

    # Cost Per User Trajectory
    for (name, users, cpu), m in zip(TRAJECTORY, MILESTONES):
        assert name == m["trajectory_name"], (name, m["trajectory_name"])
        code = m["code"]
        label = f"Cost Per User Trajectory, {code} row"
        stated(code, "users", dollars(users.rstrip("+")), label)
        sign, number = _SIGNED_PRICE.match(cpu).groups()
        stated(code, "cost_per_user", float(sign + number), label, decimals=decimals_of(number))

    for table in ("milestones", "roles", "allocations", "build_items", "estimates", "operating_costs",
                  "revenues", "stated_figures"):
        insert_rows(plan, table, 0, rows[table]).apply(plan)
    add_economics(plan)
    return plan


# =============================================================================================
# Revenue side: payment fees and the dividend policy
# =============================================================================================
# M9 Third-Party: "Stripe (Payment Processing) | 2.9% + $0.30 per transaction". VIVIM sells no
# subscriptions, and M9's "Billing | Payment processing (est.) | $1,000" already prices processing
# of the revenue offsets, so the fee applies to subscriptions only (none): it is recorded, not
# counted twice.
FEES = [("Stripe", 0.029, 0.30, "subscriptions", "M9 Third-Party: Stripe 2.9% + $0.30 per transaction; the "
         "revenue offsets' processing is M9's Billing line ($1,000/mo)")]
# Seed 001, Notes: "Dividend model assumes 70% user / 30% platform split"; M10 "First Dividend
# Distribution" pays out of the "Net Platform Profit $26,475/mo".
DIVIDEND = ("70% users / 30% platform", 0.70, 0.30, "profit", "M10",
            "Seed 001: dividend model assumes 70% user / 30% platform split; paid from M10 out of the "
            "monthly net platform profit (M10: $45,000 - $18,525 = $26,475)")


def add_economics(plan: Plan) -> None:
    """The Stripe fee and the 70/30 dividend policy (M9/M10 revenue offsets are ``revenues`` rows)."""
    insert_rows(plan, "payment_fees", 0, [dict(name=n, percent=p, fixed=f, scope=s, notes=note)
                                          for n, p, f, s, note in FEES]).apply(plan)
    name, users, platform, basis, code, note = DIVIDEND
    insert_rows(plan, "dividend_policies", 0, [dict(name=name, users_share=users, platform_share=platform,
                                                    basis=basis, from_milestone=code, notes=note)]).apply(plan)


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    doc = PlanDocument.create(out, build_plan(), overwrite=True)
    doc.close()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
