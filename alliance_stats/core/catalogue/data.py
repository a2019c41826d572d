"""French and English labels: scoring, dyads, agreement, data check, careless exclusions, the sample section;
the simulator."""

LABELS: dict[str, dict[str, str]] = {
    # ---- scoring, dyads, agreement
    "data.construct": {"fr": "Construit", "en": "Construct"},
    "data.agr_title": {
        "fr": "Accord intra-dyade par construit de niveau dyade",
        "en": "Within-dyad agreement per dyad-level construct",
    },
    "data.agr_n_dyads": {"fr": "Dyades", "en": "Dyads"},
    "data.agr_n_items": {"fr": "Items", "en": "Items"},
    "data.agr_rwg_mean": {"fr": "rwg(j) moyen", "en": "Mean rwg(j)"},
    "data.agr_rwg_median": {"fr": "rwg(j) médian", "en": "Median rwg(j)"},
    "data.agr_rwg_share_70": {"fr": "% rwg(j) ≥ ,70", "en": "% rwg(j) ≥ .70"},
    "data.agr_icc1": {"fr": "CCI(1)", "en": "ICC(1)"},
    "data.agr_icc2": {"fr": "CCI(2)", "en": "ICC(2)"},
    "data.agr_note": {
        "fr": "rwg(j) : accord intra-dyade contre une distribution nulle uniforme (James, Demaree et Wolf, "
              "1984), ramené à 0 quand la variance observée dépasse la variance attendue. CCI(1) et CCI(2) au "
              "sens de Bliese (2000), dyades complètes.",
        "en": "rwg(j): within-dyad agreement against a uniform null distribution (James, Demaree & Wolf, "
              "1984), set to 0 when the observed variance exceeds the expected one. ICC(1) and ICC(2) as in "
              "Bliese (2000), complete dyads.",
    },
    # ---- data check: rule descriptions (data.rule.<rule id>) and the summary / table text
    "data.rule.unknown_column": {"fr": "colonne absente de l'instrument", "en": "column not in the instrument"},
    "data.rule.missing_column": {"fr": "colonne obligatoire manquante", "en": "required column missing"},
    "data.rule.missing_key": {"fr": "resp_id, dyad_id ou role vide", "en": "empty resp_id, dyad_id or role"},
    "data.rule.non_numeric": {"fr": "texte dans une variable numérique", "en": "text in a numeric variable"},
    "data.rule.out_of_range": {"fr": "valeur hors limites", "en": "value out of range"},
    "data.rule.invalid_code": {"fr": "code non valide", "en": "not a valid code"},
    "data.rule.duplicate_id": {"fr": "resp_id en double", "en": "duplicate resp_id"},
    "data.rule.invalid_role": {"fr": "role différent de a ou b", "en": "role is not a or b"},
    "data.rule.dyad_size": {
        "fr": "dyade de plus de deux répondants",
        "en": "dyad with more than two respondents",
    },
    "data.rule.missing_word": {
        "fr": "mot de valeur manquante (NA, -, ...) lu comme non-réponse",
        "en": "missing-value word (NA, -, ...) read as unanswered",
    },
    "data.rule.uncomputed_formula": {
        "fr": "formule Excel sans valeur calculée, lue comme vide",
        "en": "Excel formula without a computed value, read as empty",
    },
    "data.rule.lone_partner": {
        "fr": "dyade d'un seul répondant (partenaire sans réponse)",
        "en": "dyad with one respondent (partner did not answer)",
    },
    "data.rule.dyad_roles": {"fr": "partenaires autres que a et b", "en": "partners are not one a and one b"},
    "data.rule.date_order": {"fr": "ordre des dates impossible", "en": "impossible order of dates"},
    "data.rule.future_year": {"fr": "année future", "en": "year in the future"},
    "data.rule.not_tpe": {"fr": "plus de 10 personnes (pas une TPE)", "en": "more than 10 people (not a TPE)"},
    "data.rule.no_strategic_criterion": {
        "fr": "alliance sans critère stratégique",
        "en": "alliance meets no strategic criterion",
    },
    "data.rule.missing_optional_column": {"fr": "colonne facultative manquante", "en": "optional column missing"},
    "data.rule.declared_missing": {
        "fr": "code de non-réponse déclaré (ex. 99)",
        "en": "declared missing code (e.g. 99)",
    },
    "data.rule.missing_answer": {"fr": "réponse obligatoire vide", "en": "required answer empty"},
    "data.rule.skip_logic": {"fr": "réponse à une question non posée", "en": "answer where the question was skipped"},
    "data.rule.respondent_missing_share": {
        "fr": "répondant avec beaucoup d'items manquants",
        "en": "respondent with many missing items",
    },
    "data.rule.item_missing_share": {
        "fr": "item avec beaucoup de non-réponses",
        "en": "item with many missing answers",
    },
    "data.rule.alliance_before_founding": {
        "fr": "alliance antérieure à la création",
        "en": "alliance began before founding",
    },
    "data.rule.no_startup_firm": {
        "fr": "aucun partenaire en phase de démarrage",
        "en": "no partner in its start-up phase",
    },
    "data.rule.partner_disagreement": {
        "fr": "désaccord des partenaires sur un fait",
        "en": "partners disagree on an alliance fact",
    },
    "data.rule.careless_longstring": {
        "fr": "longue suite de réponses identiques",
        "en": "long string of identical answers",
    },
    "data.rule.careless_irv": {"fr": "faible variabilité des réponses", "en": "low response variability"},
    "data.rule.careless_mahalanobis": {
        "fr": "profil atypique (Mahalanobis)",
        "en": "multivariate outlier (Mahalanobis)",
    },
    "data.rule.careless_evenodd": {"fr": "faible cohérence pair-impair", "en": "low even-odd consistency"},
    "data.rule.attention_failed": {"fr": "item d'attention échoué", "en": "attention item failed"},
    "data.rule.control_characters": {"fr": "caractères de contrôle dans une cellule",
                                     "en": "control characters in a cell"},
    "data.rule.formula_like": {"fr": "cellule lisible comme une formule par un tableur",
                               "en": "cell a spreadsheet would read as a formula"},
    "data.check.title": {"fr": "Contrôle des données", "en": "Data check"},
    "data.check.rows": {"fr": "lignes", "en": "rows"},
    "data.check.columns": {"fr": "colonnes", "en": "columns"},
    "data.check.errors": {"fr": "Erreurs", "en": "Errors"},
    "data.check.warnings": {"fr": "Avertissements", "en": "Warnings"},
    "data.check.ok": {
        "fr": "OK : aucune erreur ; les données peuvent être analysées.",
        "en": "OK: no error; the data can be analysed.",
    },
    "data.check.failed": {
        "fr": "ÉCHEC : corrigez les erreurs avant toute analyse (code de sortie 2).",
        "en": "FAILED: fix the errors before any analysis (exit status 2).",
    },
    "data.check.more": {"fr": "... et {n} de plus", "en": "... and {n} more"},
    "data.check.notes": {"fr": "Remarques", "en": "Notes"},
    "data.check.rule": {"fr": "Règle", "en": "Rule"},
    "data.check.severity": {"fr": "Gravité", "en": "Severity"},
    "data.check.count": {"fr": "Constats", "en": "Findings"},
    "data.check.description": {"fr": "Description", "en": "Description"},
    "data.check.error": {"fr": "erreur", "en": "error"},
    "data.check.warning": {"fr": "avertissement", "en": "warning"},
    "data.check.table_note": {
        "fr": "Les erreurs bloquent l'analyse ; les avertissements sont signalés. Les lignes sont numérotées à "
              "partir de 1 (en-tête exclu).",
        "en": "Errors block the analysis; warnings are reported. Rows are 1-based data rows.",
    },
    # ---- the simulator
    "data.sim.title": {
        "fr": "Population simulée par configuration (vérité connue)",
        "en": "Simulated population by configuration (known truth)",
    },
    "data.sim.n_dyads": {"fr": "Dyades", "en": "Dyads"},
    "data.sim.share": {"fr": "% des dyades", "en": "% of dyads"},
    "data.sim.n_at_risk": {"fr": "Entreprises en démarrage", "en": "Start-up firms"},
    "data.sim.n_crossed": {"fr": "Cap franchi (vrai)", "en": "Crossed (true)"},
    "data.sim.crossed_share": {"fr": "% franchi (vrai)", "en": "% crossed (true)"},
    "data.sim.mean_p_cross": {"fr": "Probabilité moyenne", "en": "Mean probability"},
    "data.sim.note": {
        "fr": "Données synthétiques : {n} dyades simulées (graine {seed}) ; aucune entreprise réelle.",
        "en": "Synthetic data: {n} simulated dyads (seed {seed}); no real firm.",
    },
    # ---- the sample section of the report (plan/sections/prepare.py)
    "data.sample.title": {"fr": "Échantillon", "en": "Sample"},
    "data.sample.respondents": {"fr": "Répondants (fichier)", "en": "Respondents (file)"},
    "data.sample.excluded": {"fr": "Répondants exclus (réponses négligentes)", "en": "Respondents excluded (careless)"},
    "data.sample.kept": {"fr": "Répondants retenus", "en": "Respondents kept"},
    "data.sample.dyads": {"fr": "Dyades (alliances)", "en": "Dyads (alliances)"},
    "data.sample.dyads_complete": {"fr": "Dyades avec les deux partenaires", "en": "Dyads with both partners"},
    "data.sample.firms_at_risk": {
        "fr": "Entreprises en démarrage au début de l'alliance",
        "en": "Firms in their start-up phase when the alliance began",
    },
    "data.sample.crossed": {"fr": "dont cap du démarrage franchi", "en": "of which crossed the start-up phase"},
    "data.sample.crossed_unknown": {
        "fr": "dont franchissement indéterminé (réponses manquantes)",
        "en": "of which crossing undetermined (missing answers)",
    },
    "data.sample.n": {"fr": "n", "en": "n"},
    "data.sample.note": {
        "fr": "Règles d'exclusion du plan : {rules}. Le franchissement suit la définition « {kind} » (seuils "
              "AWARE {aware}, TRANSF {transf}).",
        "en": "Exclusion rules of the plan: {rules}. Crossing follows the '{kind}' definition (cuts AWARE "
              "{aware}, TRANSF {transf}).",
    },
    "data.exclusion.title": {"fr": "Répondants exclus et motifs", "en": "Excluded respondents and reasons"},
    "data.exclusion.note": {
        "fr": "resp_id : identifiant pseudonyme. Règles : {rules}.",
        "en": "resp_id: pseudonymous identifier. Rules: {rules}.",
    },
    "data.exclusion.row": {"fr": "Ligne", "en": "Row"},
    "data.exclusion.reasons": {"fr": "Motifs", "en": "Reasons"},
    "data.exclusion.col.longstring": {"fr": "Longstring", "en": "Longstring"},
    "data.exclusion.col.irv": {"fr": "IRV", "en": "IRV"},
    "data.exclusion.col.mahalanobis_d2": {"fr": "Mahalanobis D²", "en": "Mahalanobis D²"},
    "data.exclusion.col.mahalanobis_p": {"fr": "p (Mahalanobis)", "en": "p (Mahalanobis)"},
    "data.exclusion.col.evenodd": {"fr": "Pair-impair", "en": "Even-odd"},
    "data.exclusion.col.missing_share": {"fr": "% manquants", "en": "% missing"},
    "data.exclusion.rule.longstring": {"fr": "longstring", "en": "longstring"},
    "data.exclusion.rule.irv": {"fr": "IRV", "en": "IRV"},
    "data.exclusion.rule.mahalanobis": {"fr": "Mahalanobis", "en": "Mahalanobis"},
    "data.exclusion.rule.evenodd": {"fr": "cohérence pair-impair", "en": "even-odd consistency"},
    "data.exclusion.rule.attention": {"fr": "item d'attention échoué", "en": "attention item failed"},
    "data.exclusion.rule.missing": {"fr": "items manquants", "en": "items missing"},
    "data.exclusion.rule.partner": {"fr": "partenaire exclu", "en": "partner excluded"},
    "data.rules_text.attention": {"fr": "item d'attention échoué", "en": "failed attention item"},
    "data.rules_text.evenodd": {"fr": "cohérence pair-impair < {value}", "en": "even-odd < {value}"},
    "data.rules_text.missing": {"fr": "> {share} d'items manquants", "en": "> {share} of items missing"},
    "data.rules_text.none": {"fr": "aucune", "en": "none"},
}
