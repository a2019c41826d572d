"""French versions of the warnings the stages issue in English (for the French report and ``warnings.txt``).

The stages issue their warnings as English sentences (they are Python warnings, read in a console or a notebook,
and kept in English in ``results.json``). A French report shows them in French: each entry below pairs an
English template with its French version. ``{name}`` matches any text and is copied into the French sentence
(numbers in it get the decimal comma; ``{n}``, ``{k}``, ``{m}``, ``{n2}``, ``{total}``, ``{blank}`` and ``{lone}``
match a whole number only); a placeholder whose name starts with ``msg`` holds another message and is
translated in turn. :func:`alliance_stats.core.i18n.translate_message` applies them; a message without a
template stays in English (``tests/core/test_messages.py`` checks that the demo's warnings all have one).
"""

from __future__ import annotations

MESSAGES: tuple[tuple[str, str], ...] = (
    # ---- the run: data check findings summarised, analyses not computed
    ("{rule}: {n} finding(s) in rows {rows}; first: {msg} (`alliance-stats data check` lists them all)",
     "{rule} : {n} constat(s), lignes {rows} ; premier : {msg} (`alliance-stats data check` les liste tous)"),
    ("{what} not computed: {msg}", "{what} non calculé(e) : {msg}"),
    ("{shown} is shown with ML instead of {estimator} (see the previous warning)",
     "{shown} est présenté(e) avec ML au lieu de {estimator} (voir l'avertissement précédent)"),
    ("{step} invariance across {by} is doubtful: CFI changes by {d_cfi} (limit -.010), RMSEA by {d_rmsea} "
     "(limit +.015) (Chen 2007)",
     "invariance {step} selon {by} douteuse : le CFI varie de {d_cfi} (limite -,010), le RMSEA de {d_rmsea} "
     "(limite +,015) (Chen 2007)"),
    # ---- data check findings (the first finding of a rule, quoted in the run's summary line)
    ("{n} identical answers in a row (flagged above {limit})",
     "{n} réponses identiques à la suite (signalé au-delà de {limit})"),
    ("response SD {sd} below {limit}", "écart-type des réponses {sd} inférieur à {limit}"),
    ("Mahalanobis D2 = {d2}, p = {p} < {limit}", "D2 de Mahalanobis = {d2}, p = {p} < {limit}"),
    ("even-odd consistency {value} below {limit}", "cohérence pair-impair {value} inférieure à {limit}"),
    ("attention item answered otherwise than instructed ({expected})",
     "item d'attention non répondu comme demandé ({expected})"),
    ("declared missing code {code} ({label}); scored as missing",
     "code de valeur manquante déclaré {code} ({label}) ; compté comme manquant"),
    ("{var} is answered although the questionnaire skips it here",
     "{var} est renseignée alors que le questionnaire ne la pose pas ici"),
    ("required answer {var} is empty", "réponse obligatoire {var} vide"),
    ("{share} of the {k} construct items are unanswered (more than {limit})",
     "{share} des {k} items des construits sans réponse (plus de {limit})"),
    ("{share} of the respondents left {var} unanswered (more than {limit})",
     "{share} des répondants n'ont pas répondu à {var} (plus de {limit})"),
    ("the alliance began in {start}, before the firm was founded in {founding}",
     "l'alliance a commencé en {start}, avant la création de l'entreprise en {founding}"),
    ("neither partner was in its start-up phase when the alliance began: no firm of this dyad enters the "
     "crossing models",
     "aucun partenaire n'était en phase de démarrage au début de l'alliance : aucune entreprise de cette dyade "
     "n'entre dans les modèles de franchissement"),
    ("{var}: this partner answered {value}, the other partner {other}",
     "{var} : ce partenaire a répondu {value}, l'autre partenaire {other}"),
    ("dyad {dyad} has one respondent ({lone} of {n} dyads have one): the respondent is kept in the firm-level "
     "analyses; the dyad's scores are this partner's and its dependence asymmetry is missing (add the partner's "
     "response if it exists)",
     "la dyade {dyad} n'a qu'un répondant ({lone} dyades sur {n} dans ce cas) : le répondant est gardé dans les "
     "analyses au niveau de l'entreprise ; les scores de la dyade sont ceux de ce partenaire et son asymétrie de "
     "dépendance est manquante (ajoutez la réponse du partenaire si elle existe)"),
    ("the word {word} is read as an unanswered question ({n} such cell(s) in the file); leave the cell empty or "
     "use the item's declared missing code if the respondent did answer",
     "le mot {word} est lu comme une non-réponse ({n} cellule(s) de ce type dans le fichier) ; laissez la cellule "
     "vide, ou utilisez le code de valeur manquante déclaré de l'item si le répondant a répondu"),
    ("a formula saved without its computed value is read as empty ({n} such cell(s)); open the workbook in Excel "
     "or LibreOffice, let it recalculate and save it again, or replace the formulas by their values",
     "une formule enregistrée sans sa valeur calculée est lue comme vide ({n} cellule(s) de ce type) ; ouvrez le "
     "classeur dans Excel ou LibreOffice, laissez-le recalculer et enregistrez-le, ou remplacez les formules par "
     "leurs valeurs"),
    ("control characters {chars} in the text; they are replaced by U+FFFD in the reports",
     "caractères de contrôle {chars} dans le texte ; ils sont remplacés par U+FFFD dans les rapports"),
    ("a spreadsheet would read this text as a formula; the tool's CSV and XLSX files neutralise it with a leading "
     "apostrophe",
     "un tableur lirait ce texte comme une formule ; les fichiers CSV et XLSX de l'outil le neutralisent par une "
     "apostrophe initiale"),
    ("optional variable {var} is absent", "variable facultative {var} absente"),
    # ---- data: careless flags, dyads
    ("{n} dyad(s) have one respondent only: their dyad scores are that partner's scores and their dependence "
     "asymmetry is missing",
     "{n} dyade(s) n'ont qu'un répondant : leurs scores de dyade sont ceux de ce partenaire et leur asymétrie de "
     "dépendance est manquante"),
    ("mean within-dyad agreement on {code} is {value} (< .70): partners disagree, so the dyad mean may not "
     "represent the alliance",
     "accord moyen intra-dyade sur {code} de {value} (< ,70) : les partenaires divergent, la moyenne de la dyade "
     "peut ne pas représenter l'alliance"),
    ("rwg(j) needs the item answers: pass responses= to build_dyads to compute it",
     "rwg(j) demande les réponses aux items : passez responses= à build_dyads pour le calculer"),
    # ---- measurement
    ("{n} observations for {k} free parameters: fewer than 5 per parameter, estimates and fit indices may be "
     "unstable",
     "{n} observations pour {k} paramètres libres : moins de 5 par paramètre, les estimations et les indices "
     "d'ajustement peuvent être instables"),
    ("{model} model: {msg}", "modèle {model} : {msg}"),
    ("Fornell-Larcker: the correlation of {a} and {b} ({r}) exceeds sqrt(AVE) of {c} ({root})",
     "Fornell-Larcker : la corrélation de {a} et {b} ({r}) dépasse la racine de l'AVE de {c} ({root})"),
    ("HTMT of {a} and {b} is {value} (>= {cut}): discriminant validity is doubtful",
     "HTMT de {a} et {b} égal à {value} (>= {cut}) : validité discriminante douteuse"),
    ("{code}: {label} = {value} is below {cut}", "{code} : {label} = {value} est inférieur à {cut}"),
    ("{n} row(s) with every item missing were dropped (lavaan does the same)",
     "{n} ligne(s) sans aucune réponse aux items retirée(s) (comme lavaan)"),
    ("{n} of {total} row(s) with a missing answer were dropped (listwise deletion; missing='fiml' keeps them)",
     "{n} ligne(s) sur {total} avec une réponse manquante retirée(s) (suppression listwise ; missing='fiml' les "
     "garde)"),
    ("{n} row(s) with no value in the group column {group} were dropped",
     "{n} ligne(s) sans valeur dans la colonne de groupe {group} retirée(s)"),
    ("the CFA did not converge after {n} iterations ({why}); results are not trustworthy",
     "l'AFC n'a pas convergé après {n} itérations ({why}) ; les résultats ne sont pas fiables"),
    ("the information matrix is singular or not positive definite: standard errors could not be computed (the "
     "model may not be identified)",
     "la matrice d'information est singulière ou non définie positive : les erreurs types n'ont pas pu être "
     "calculées (le modèle n'est peut-être pas identifié)"),
    ("the model is just-identified (df = 0): it reproduces the data exactly and its fit cannot be tested "
     "(chi-square 0, CFI 1, RMSEA 0)",
     "le modèle est juste identifié (ddl = 0) : il reproduit exactement les données et son ajustement ne peut pas "
     "être testé (khi-deux 0, CFI 1, RMSEA 0)"),
    ("Heywood case{where}: the residual variance of item {item} is negative ({value})",
     "cas de Heywood{where} : la variance résiduelle de l'item {item} est négative ({value})"),
    ("Heywood case{where}: the variance of factor {factor} is not positive ({value})",
     "cas de Heywood{where} : la variance du facteur {factor} n'est pas positive ({value})"),
    ("Heywood case{where}: the standardized loading of {item} on {factor} is {value} (above 1 in absolute value)",
     "cas de Heywood{where} : la saturation standardisée de {item} sur {factor} vaut {value} (au-delà de 1 en "
     "valeur absolue)"),
    ("item {item}: {share}% of answers at the scale's floor (above 15%)",
     "item {item} : {share} % des réponses au plancher de l'échelle (plus de 15 %)"),
    ("item {item}: {share}% of answers at the scale's ceiling (above 15%)",
     "item {item} : {share} % des réponses au plafond de l'échelle (plus de 15 %)"),
    ("item(s) {items} correlate negatively with the rest of the scale: check whether they should be reverse-keyed",
     "item(s) {items} corrélé(s) négativement au reste de l'échelle : vérifiez s'ils doivent être inversés"),
    ("alpha is negative ({alpha}): the items do not covary positively on average",
     "alpha négatif ({alpha}) : les items ne covarient pas positivement en moyenne"),
    ("{blank} of {n} rows have no answer on any item; they are counted in n = {n2} (psych's nrow convention, used "
     "by the Feldt interval); {k} rows have an answer",
     "{blank} lignes sur {n} sans aucune réponse aux items ; elles sont comptées dans n = {n2} (convention nrow de "
     "psych, utilisée par l'intervalle de Feldt) ; {k} lignes ont une réponse"),
    ("overall KMO is {msa} (< .50): the correlations are unsuitable for factor analysis",
     "KMO global de {msa} (< ,50) : les corrélations ne conviennent pas à l'analyse factorielle"),
    ("item(s) {items} have an individual KMO below .50", "item(s) {items} avec un KMO individuel inférieur à ,50"),
    ("EFA ({method}) did not converge: {why}", "l'AFE ({method}) n'a pas convergé : {why}"),
    ("Heywood case: item(s) {items} have a communality at or above 1 (uniqueness at psych's bound {bound})",
     "cas de Heywood : item(s) {items} avec une communauté égale ou supérieure à 1 (unicité à la borne de psych "
     "{bound})"),
    ("oblimin rotation did not converge in 1000 iterations", "la rotation oblimin n'a pas convergé en 1000 itérations"),
    ("{step} model: the scaled difference test has a negative scaling correction ({cd}); its chi-square is not "
     "interpretable",
     "modèle {step} : le test de différence corrigé a une correction d'échelle négative ({cd}) ; son khi-deux "
     "n'est pas interprétable"),
    ("factor {factor} has loadings of both signs (positive: {pos}; negative: {neg}): omega sums raw loadings and is "
     "then meaningless; reverse-key the items of one sign before the CFA",
     "le facteur {factor} a des saturations des deux signes (positives : {pos} ; négatives : {neg}) : oméga somme "
     "les saturations brutes et n'a alors pas de sens ; inversez les items d'un des signes avant l'AFC"),
    # ---- typology
    ("{n} of {total} dyads have no configuration: a score the rule needs is missing",
     "{n} dyades sur {total} sans configuration : un score nécessaire à la règle est manquant"),
    ("{n} of {total} dyads have no fuzzy membership: a score is missing",
     "{n} dyades sur {total} sans appartenance floue : un score est manquant"),
    ("{n} of {total} dyads have no fuzzy membership (a score is missing)",
     "{n} dyades sur {total} sans appartenance floue (un score est manquant)"),
    ("{n} of {total} dyads dropped from the cluster check because a clustering score is missing ({detail})",
     "{n} dyades sur {total} retirées de la vérification par classification : un score de classification est "
     "manquant ({detail})"),
    ("{n} of {total} dyads have no theory label and are left out of the agreement measures (they are still "
     "clustered)",
     "{n} dyades sur {total} sans étiquette théorique sont exclues des mesures d'accord (elles restent "
     "classées)"),
    ("{method}: cluster(s) {clusters} are not stable under resampling (mean Jaccard < .60: not trustworthy, "
     "Hennig 2007)",
     "{method} : classe(s) {clusters} instable(s) au rééchantillonnage (Jaccard moyen < ,60 : pas fiable, "
     "Hennig 2007)"),
    ("{method}: cluster(s) {clusters} hold fewer than {n} dyads", "{method} : classe(s) {clusters} de moins de {n} "
     "dyades"),
    ("{method}: only {n} non-empty clusters of the {k} asked for",
     "{method} : seulement {n} classes non vides sur les {k} demandées"),
    ("k_range trimmed to 1..{k}: with {n} dyads a solution needs {m} dyads per cluster",
     "k_range réduit à 1..{k} : avec {n} dyades, une solution demande {m} dyades par classe"),
    ("the Gaussian mixture could not be refitted on {n} of {total} resamples (counted as one cluster)",
     "le mélange gaussien n'a pas pu être réestimé sur {n} rééchantillons sur {total} (comptés comme une classe)"),
    ("k-means with k = {k}: fewer distinct clusters than asked (duplicate points)",
     "k-means avec k = {k} : moins de classes distinctes que demandé (points en double)"),
    # ---- models
    ("{n} of {total} rows dropped for missing values (listwise; {detail})",
     "{n} lignes sur {total} retirées pour valeurs manquantes (listwise ; {detail})"),
    ("mediation: {n} of {total} rows dropped for missing values (listwise)",
     "médiation : {n} lignes sur {total} retirées pour valeurs manquantes (listwise)"),
    ("mediation: {n} of {total} bootstrap resamples dropped (logistic fit did not converge or a resample was "
     "degenerate)",
     "médiation : {n} rééchantillons bootstrap sur {total} écartés (l'ajustement logistique n'a pas convergé ou le "
     "rééchantillon était dégénéré)"),
    ("{epv} events per parameter (< {limit}): maximum-likelihood estimates may be biased away from zero; consider "
     "method='firth'",
     "{epv} événements par paramètre (< {limit}) : les estimations du maximum de vraisemblance peuvent être "
     "biaisées en s'éloignant de zéro ; envisagez method='firth'"),
    ("{kind} separation: the maximum-likelihood estimate of {col} (predictor {predictor}) is {sign}infinite; its "
     "odds ratio is not reported. Use method='firth' (or 'auto') for a finite estimate.",
     "séparation {kind} : l'estimation du maximum de vraisemblance de {col} (prédicteur {predictor}) est "
     "{sign}infinie ; son rapport de cotes n'est pas rapporté. Utilisez method='firth' (ou 'auto') pour une "
     "estimation finie."),
    ("Firth's profile intervals and penalised LR tests assume independent rows: they do not account for clustering "
     "within {cluster}",
     "les intervalles de profil et tests du rapport de vraisemblance pénalisés de Firth supposent des lignes "
     "indépendantes : ils ne tiennent pas compte du regroupement par {cluster}"),
    ("GEE iterations did not converge{detail}", "les itérations GEE n'ont pas convergé{detail}"),
    # ---- the reviewer's checks (plan/sections/checks.py, measurement/cmv.py, measurement/nesting.py)
    ("robustness: the verdict of {h} flips from '{main}' to '{alternative}' in the variant {variant}",
     "robustesse : le verdict de {h} passe de « {main} » à « {alternative} » dans la variante {variant}"),
    ("robustness variant {variant} not computed: {msg}", "variante de robustesse {variant} non calculée : {msg}"),
    ("trait model: {msg}", "modèle des construits : {msg}"),
    ("method-factor (ULMC) model: {msg}", "modèle avec facteur de méthode (ULMC) : {msg}"),
    ("{what}: {n} more warning(s) of the same kind ({kind})",
     "{what} : {n} autre(s) avertissement(s) du même type ({kind})"),
    ("the method-factor (ULMC) model could not be fitted: {msg}",
     "le modèle avec facteur de méthode (ULMC) n'a pas pu être estimé : {msg}"),
    ("the marker item {item} has no variance among the {n} respondents with every score: the marker-variable "
     "correction is not computed",
     "l'item marqueur {item} n'a aucune variance parmi les {n} répondants ayant tous les scores : la correction "
     "par variable marqueur n'est pas calculée"),
    ("{n} dyads: the common-method-variance and nesting checks use a random subsample of {size} dyads (seed "
     "{seed}, robustness.subsample_dyads in the plan)",
     "{n} dyades : les contrôles de variance de méthode commune et d'emboîtement utilisent un sous-échantillon "
     "aléatoire de {size} dyades (graine {seed}, robustness.subsample_dyads dans le plan)"),
    ("{n} dyads: Ward's method, the gap statistic and the stability resampling (and the ARI interval) use a random "
     "subsample of {size} dyads (seed stream 'subsample' of the check's seed); Ward's clusters are extended to the "
     "other dyads by the nearest Ward centroid. k-means, the Gaussian mixtures, BIC, the ARI and its permutation p "
     "value use every dyad",
     "{n} dyades : la méthode de Ward, la statistique du gap et le rééchantillonnage de stabilité (et l'intervalle "
     "de l'ARI) utilisent un sous-échantillon aléatoire de {size} dyades (flux de graine « subsample » de la graine "
     "du contrôle) ; les classes de Ward sont étendues aux autres dyades par le centroïde de Ward le plus proche. "
     "Les k-moyennes, les mélanges gaussiens, le BIC, l'ARI et sa valeur p par permutation utilisent toutes les "
     "dyades"),
)
