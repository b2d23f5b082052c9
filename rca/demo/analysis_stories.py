"""The demo reviews' analysis content: evidence and causes per review (see rca.demo.analysis).

Quoted and adapted from the domain reading's worked examples: evidence is (key, manual kind, date,
author, text); causes are (key, parent key, bone, text, status, reason, conclusion, factor code,
evidence keys).
"""

from __future__ import annotations

from rca.demo.analysis import story

# fmt: off
story(
    'Care plans not updated after changes in risk or family feedback',
    'hannah.price', '2026-03-20 10:00', '2026-03-27 14:00',
    [
        ('int-kw', 'interview', '2026-03-16', 'Hannah Price', 'Key worker: “I assumed the '
         'senior would update the plan once I put it in handover; nobody told me it was my '
         'job between reviews.”'),
        ('int-sen', 'interview', '2026-03-17', 'Hannah Price', 'Senior support worker: care '
         'plan updates are done at six-monthly reviews; daily changes go in the handover '
         'book and “someone picks them up”.'),
        ('doc-alloc', 'document', '2026-03-18', 'Daniel Okafor', 'Care planning procedure v3 '
         '(2024): names the registered manager for formal reviews; no named owner for '
         'changes identified between reviews.'),
        ('doc-audit', 'document', '2026-03-18', 'Daniel Okafor', 'February care plan audit: '
         '6 of 14 identified changes not in the plan after 10 working days; 4 of the 6 came '
         'from family feedback.'),
        ('obs-hand', 'observation', '2026-03-19', 'Joanne Price', 'Handover observed 19/03: '
         'changes in risk read out, no one allocated to update the plan, nothing written '
         'against the change.'),
    ],
    [
        ('ownership', None, 'guidance', 'No named owner for care-plan updates between formal '
         'reviews', 'supported', 'Procedure names no owner; key worker and senior each '
         'assumed the other.', 'root', 'guidance.care-plan-ownership',
         ('doc-alloc', 'int-kw', 'int-sen')),
        ('assume', 'ownership', 'guidance', 'Staff assume someone else will update the record',
         'supported', 'Both interviews say so in their own words.', None, None,
         ('int-kw', 'int-sen')),
        ('handover', None, 'communication', 'Changes in risk passed on at handover but not '
         'allocated to anyone', 'supported', 'Observed at handover on 19/03 and matches the '
         'audit gaps.', 'contributory', 'communication.change-not-shared',
         ('obs-hand', 'doc-audit')),
        ('family', 'handover', 'communication', 'Family feedback logged in the diary, not in '
         'the care record', 'supported', '4 of the 6 late changes came from families.',
         'contributory', 'communication.family-feedback', ('doc-audit',)),
        ('audit', None, 'governance', 'Monthly audit finds late updates but nobody follows '
         'them up', 'supported', 'Audit findings for December and January carried no action.',
         'contributory', 'governance.audit-not-followed-up', ('doc-audit',)),
        ('training', None, 'training', 'Staff not trained in updating care plans', 'ruled-out', 'All four staff '  # noqa: E501
         'completed care-planning training in 2025 and could describe it.', None, None,
         ('int-kw', 'int-sen')),
        ('workload', None, 'staffing', 'Too little time on shift to update plans', 'hypothesis',
         '', None, 'staffing.workload-pressure', ()),
    ],
)

story(
    "Agency staff not knowing people's routines on evening shifts",
    'amira.hussain', '2026-06-03 11:00', '2026-06-12 15:00',
    [
        ('doc-ind', 'document', '2026-05-28', 'Amira Hussain', 'Agency induction checklist: '
         '9 of 17 sampled evening shifts had no signed checklist; none covered '
         'person-specific routines.'),
        ('int-perm', 'interview', '2026-05-29', 'Sarah Mitchell', 'Permanent carer, evening '
         'shift: “I hand over to agency staff in five minutes at the door; there is no time '
         'to go through everyone’s routines.”'),
        ('int-ag', 'interview', '2026-06-01', 'Amira Hussain', 'Agency carer: had not worked '
         'at Oak House before; was shown the fire exits but not the one-page profiles.'),
        ('obs-rota', 'observation', '2026-06-02', 'Amira Hussain', 'Rota review: evenings '
         'with 3 or more agency staff had 7 of the 9 incidents linked to unfamiliar staff.'),
    ],
    [
        ('induction', None, 'training', 'Induction missing for agency staff on evening shifts',
         'supported', 'No signed checklist for 9 of 17 sampled shifts.', 'root',
         'training.agency-induction-missing', ('doc-ind', 'int-ag')),
        ('routines', 'induction', 'training', 'The induction covers the building, not '
         'people’s routines', 'supported', 'Checklist has no person-specific section; agency '
         'carer confirms.', None, 'training.routines-unknown', ('doc-ind', 'int-ag')),
        ('briefing', None, 'communication', 'No shift-start briefing for agency staff',
         'supported', 'Handover to agency staff is five minutes at the door.', 'contributory',
         'communication.handover-insufficient', ('int-perm',)),
        ('reliance', None, 'staffing', 'High reliance on agency staff in the evenings',
         'supported', 'Rota shows the incidents cluster on high-agency evenings.',
         'contributory', 'staffing.agency-reliance', ('obs-rota',)),
        ('blame', None, 'staffing', 'Individual agency workers did not follow the routines',
         'ruled-out', 'The same workers did well where they were briefed: the system, not '
         'the person.', None, None, ('obs-rota', 'int-perm')),
    ],
)

story(
    'Low-level safeguarding concerns in visit notes not escalated promptly',
    'joanne.price', '2026-08-05 10:00', '2026-08-19 11:30',
    [
        ('int-carer', 'interview', '2026-07-30', 'Joanne Price', 'Care worker: “I wasn’t '
         'sure it was serious enough to ring the office, so I wrote it in the visit notes.”'),
        ('doc-policy', 'document', '2026-07-31', 'Joanne Price', 'Safeguarding escalation '
         'guidance (2023): says to escalate “any concern” with no examples of low-level '
         'indicators and no timescale.'),
        ('obs-app', 'observation', '2026-08-03', 'Kwame Mensah', 'The visit-notes app: the '
         'concern tick box sits under “other”; a ticked concern sends no alert to the '
         'office.'),
        ('doc-sup', 'document', '2026-08-04', 'Joanne Price', 'Supervision records: 3 of 4 '
         'staff in scope had supervision overdue by more than 8 weeks; none discussed '
         'escalation.'),
    ],
    [
        ('thresholds', None, 'guidance', 'Unclear escalation thresholds', 'supported', 'Guidance has no '  # noqa: E501
         'examples or timescale; the carer was unsure.', 'root',
         'guidance.escalation-thresholds', ('doc-policy', 'int-carer')),
        ('serious', 'thresholds', 'guidance', 'Staff unsure whether a concern is “serious '
         'enough” to ring', 'supported', 'Said in interview, matches the vague notes.', None,
         None, ('int-carer',)),
        ('alerts', None, 'equipment', 'Alert prompts unclear in the recording system',
         'supported', 'A ticked concern raises no alert; observed in the app.', 'root',
         'equipment.alert-prompts', ('obs-app',)),
        ('supervision', None, 'supervision', 'Supervision overdue for most staff in scope',
         'supported', '3 of 4 overdue by more than 8 weeks.', 'contributory',
         'supervision.overdue', ('doc-sup',)),
        ('forgot', None, 'staffing', 'Carer forgot to escalate', 'ruled-out', 'She recorded the '
         'concern the same day: the route and the system failed her.', None, None,
         ('int-carer', 'obs-app')),
    ],
)

story(
    'Repeated medication omissions on shifts covered by agency staff',
    'amira.hussain', '2026-09-24 10:30', '2026-10-07 14:00',
    [
        ('int-agency', 'interview', '2026-09-21', 'Amira Hussain', 'Agency nurse: had used a '
         'different electronic MAR elsewhere; did not know that a greyed-out dose here means '
         '“due later”, not “given”.'),
        ('obs-round', 'observation', '2026-09-22', 'Lucy Evans', 'Evening medication round '
         'observed: agency staff given the trolley keys with no check of MAR competence.'),
        ('doc-comp', 'document', '2026-09-23', 'Amira Hussain', 'Medication competency '
         'records: no MAR competency on file for 5 of the 6 agency staff on the omission '
         'shifts.'),
        ('doc-rota', 'document', '2026-09-23', 'Patrick Nolan', 'Rota June to August: 11 of '
         '13 omissions on shifts where the medication lead was agency; no senior on duty on '
         '8 of them.'),
    ],
    [
        ('mar', None, 'training', 'Agency staff unfamiliar with MAR processes', 'supported', 'Interview and '  # noqa: E501
         'competency records agree.', 'root', 'training.agency-mar', ('int-agency', 'doc-comp')),
        ('competency', 'mar', 'training', 'No MAR competency check before agency staff give '
         'medicines', 'supported', 'Observed on the round; 5 of 6 had no competency on file.',
         None, None, ('obs-round', 'doc-comp')),
        ('induct', 'competency', 'training', 'The agency induction does not include the '
         'home’s MAR system', 'supported', 'Induction checklist has no MAR section.', None,
         'training.agency-induction-missing', ('doc-comp',)),
        ('oversight', None, 'governance', 'No additional oversight on high-risk shifts',
         'supported', 'No senior on duty on 8 of the 13 omission shifts.', 'contributory',
         'staffing.high-risk-shift', ('doc-rota',)),
        ('display', None, 'equipment', 'The eMAR shows a due-later dose like a given one',
         'supported', 'Agency nurse’s account; greyed-out display confirmed.', 'contributory',
         'equipment.alert-prompts', ('int-agency', 'obs-round')),
        ('error', None, 'staffing', 'Staff error by the agency nurse', 'ruled-out', 'Same pattern with '  # noqa: E501
         "five different agency staff: not one person's error.", None, None,
         ('doc-rota', 'doc-comp')),
    ],
)

story(
    'Fall in the first-floor corridor at night linked to poor lighting',
    'sarah.mitchell', '2026-10-20 10:00', '2026-10-29 15:00',
    [
        ('obs-light', 'observation', '2026-10-14', 'Sarah Mitchell', 'Night walk-round 14/10 '
         'at 02:00: 2 of 5 corridor lights out on the first floor; the sensor light by room '
         '12 did not trigger.'),
        ('doc-maint', 'document', '2026-10-15', 'Marek Nowak', 'Maintenance log: corridor '
         'light reported on 02/09, no job raised; no lighting check in the monthly '
         'environment audit.'),
        ('int-night', 'interview', '2026-10-16', 'Sarah Mitchell', 'Night carer: the '
         'corridor “has been dark for weeks”; reported it verbally to the day team, not in '
         'the maintenance book.'),
        ('doc-falls', 'document', '2026-10-16', 'Sarah Mitchell', 'Falls risk assessment for '
         'OAK-P-018 reviewed in July; night-time mobility not reassessed after a new '
         'medicine in August.'),
    ],
    [
        ('lighting', None, 'environment', 'Poor lighting in the first-floor corridor at night',
         'supported', 'Walk-round found two lights out and a faulty sensor.', 'root',
         'environment.poor-lighting', ('obs-light', 'int-night')),
        ('repair', 'lighting', 'environment', 'Reported fault never became a repair job',
         'supported', 'Maintenance log shows the report and no job.', None,
         'environment.maintenance', ('doc-maint', 'int-night')),
        ('route', 'repair', 'communication', 'Night staff report faults verbally rather than '
         'in the maintenance book', 'supported', "Night carer's account.", None,
         'communication.handover-not-recorded', ('int-night',)),
        ('audit', None, 'governance', 'Environment audit has no lighting check', 'supported', 'Audit template '  # noqa: E501
         'reviewed: no lighting item.', 'contributory', 'governance.audit-not-followed-up',
         ('doc-maint',)),
        ('risk', None, 'person', 'Night-time falls risk not reassessed after a new medicine',
         'hypothesis', '', None, 'person.change-in-need', ('doc-falls',)),
        ('staffing', None, 'staffing', 'Too few night staff to check the corridor', 'hypothesis',
         '', None, 'staffing.short-staffed', ()),
    ],
)
# fmt: on
