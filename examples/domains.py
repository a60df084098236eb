"""Domain schemas: a tutor (EdTech), a support bot (Support) and an HR helpdesk (a schema of
your own, examples/hr_schema.yaml), each a tenant with its own domain.

Run it:  python examples/domains.py
"""

import tempfile
from pathlib import Path

from accord import Accord

HR_SCHEMA = (Path(__file__).parent / "hr_schema.yaml").read_text()

with tempfile.TemporaryDirectory() as data_dir, Accord(data_dir=data_dir) as memory:
    for tenant, domain in (("tutoring", "edtech"), ("helpdesk", "support"), ("people", None)):
        memory.create_tenant(tenant)
        if domain is None:  # the HR tenant registers its own schema first
            memory.for_tenant(tenant).register_domain_schema(HR_SCHEMA)
        memory.for_tenant(tenant).set_domain_schema(domain or "hr")

    tutor = memory.for_tenant("tutoring")
    tutor.add("My JEE Main exam is on 15 March. I struggle with integration by parts. "
              "I learn best with worked examples.", user_id="priya", wait=True)
    tutor.add("I finally get integration by parts now!", user_id="priya", wait=True)
    print(tutor.get("let's revise", user_id="priya").system_prompt_addition.splitlines()[0])
    print("weak:", [t.topic for t in tutor.get_edtech_profile("priya").weak_topics],
          "strong:", [t.topic for t in tutor.get_edtech_profile("priya").strong_topics])

    support = memory.for_tenant("helpdesk")
    support.add("My payment failed and I'm on the Growth plan. Please email me.", user_id="sam", wait=True)
    print(support.get("the customer is back", user_id="sam").system_prompt_addition.splitlines()[0])

    hr = memory.for_tenant("people")
    hr.add("I work in the Finance department and my manager is Dana Reyes. I have 12 days of leave left.",
           user_id="lee", wait=True)
    print(hr.get("how much leave do I have?", user_id="lee").system_prompt_addition.splitlines()[0])
