"""Simulation-based power and sample size for the whole confirmatory plan (issue 7).

:func:`power_analysis` answers "how many alliances (dyads) must the survey recruit?" for a power plan
(``analyses/power.yaml``, schema :class:`PowerPlan`) and the confirmatory plan it points to. For every number
of dyads N of the grid and every replicate it runs the plan's own chain on synthetic data:

1. **simulate** the survey answers of N dyads from the assumed population (:func:`simulate_alliances` with the
   plan's :class:`SimulationParams` overrides; the simulator's definition of ``crossed`` is the confirmatory
   plan's ``outcome``);
2. **exclusions and scoring**: the plan's careless-responding rules (attention item, longstring, irv,
   Mahalanobis p, share missing), then :func:`score_responses` (``min_share``), :func:`build_dyads` and
   :func:`firms_at_risk`;
3. **classify** every dyad with the plan's crisp rule (:func:`~alliance_stats.typology.classification.classify`,
   ``typology.cut`` and ``typology.asymmetry``) and attach the configuration to its firms;
4. **fit the plan's models** that the confirmatory hypotheses use, with the plan's design
   (:func:`~alliance_stats.models.build_design`: predictors, categorical references, interactions,
   standardisation, listwise deletion) and the plan's estimation rules (below);
5. **test the plan's confirmatory hypotheses** (one-sided where directional) with the plan's correction
   (Holm by default) over the confirmatory family and record each rejection, and whether *all* of them are
   supported (the family-wise power of the whole plan) or *any* (under a null population, the family-wise
   type I error);
6. the **cluster criterion** (a cheap version of :func:`~alliance_stats.typology.cluster.cluster_check` without
   bootstrap or permutations): a Gaussian mixture fitted at every k = 1..``k_max`` with the four covariance
   types chooses k = ``typology.cluster.k`` by BIC, and the mixture's partition at that k agrees with the
   crisp classification with ARI >= ``cluster.ari_threshold`` (.65, Steinley 2004);
7. the **CFA**: analytic power of the RMSEA test of close fit (MacCallum, Browne and Sugawara 1996;
   :func:`rmsea_power`, equal to semTools::findRMSEApower) for the instrument's measurement model (one factor per
   Likert construct, marker identification, df = p(p+1)/2 - q, :func:`cfa_degrees_of_freedom`) at the mean
   number of respondents kept after exclusions.

Estimation, as the plan's :func:`~alliance_stats.models.fit_logit` does it
-----------------------------------------------------------------------------
- ``method: auto``: Firth when there are fewer than 10 events per parameter (``min(events, non-events) /
  slopes``) or separation, else maximum likelihood; ``ml`` and ``firth`` as requested.
- ML: every replicate of one N is fitted at once by :func:`logit_batch` (batched Newton, equal to statsmodels
  to 1e-6); with ``cluster: dyad_id`` the covariance is the dyad-clustered sandwich with statsmodels' small-sample
  factor (``cov_type="cluster"``); tests are Wald z on ``L beta`` (:func:`~alliance_stats.models.wald_tests`).
- Firth: :func:`firth_batch` (batched, equal to firthmodels/brglm2 to 1e-7); a hypothesis is tested by the signed
  root of the penalised likelihood-ratio statistic of ``L beta = 0`` with the full model's penalty, as
  :func:`~alliance_stats.models.test_hypotheses` does.
- Replicates of unequal size are padded with weight-0 rows; a model whose predictors are all categorical is
  fitted on its grouped-binomial sufficient statistics (one row per distinct design row) whenever the fit has
  no cluster-robust covariance (Firth fits, or ML without ``cluster``).
- A replicate whose design cannot be built (a configuration with no firm at risk, a constant predictor...)
  raises :class:`~alliance_stats.core.errors.SpecificationError` in the plan; here its hypotheses count as not
  supported and the failures are counted in :attr:`PowerResult.details` and the warnings.

Deviations from the confirmatory run (each one documented, none changes what is tested)
-------------------------------------------------------------------------------------------
- The data check (:func:`check_responses`) is not run: simulated answers obey the codebook by construction.
- *Separation* under ``auto`` is detected by :func:`logit_batch`'s flag (fitted probabilities within 1e-10 of
  0/1 with diverging coefficients; it catches complete and quasi-complete separation in the tests of
  the kernel, tests/models/test_kernel.py) rather than the linear program of ``detect_separation``; with >= 10
  events per parameter (the only case where ML is tried) separation is rare. Under ``method: ml`` a separated
  replicate's hypotheses count as not supported (the plan reports no estimate for an infinite coefficient).
- ``gee: true`` is replaced by the dyad-clustered sandwich (same clusters; GEE's exchangeable working
  correlation changes the estimates little when clusters have at most two firms); a warning says so.
- Models that no confirmatory hypothesis uses (M2 in the default plan) and exploratory hypotheses (H5, the
  mediation) are not simulated: they have no verdict, so no power.
- The cluster criterion uses one mixture start (k-means++ seeded) per k shared by the four covariance types
  (the plan: 5 starts per type), no bootstrap stability, no permutation p value (with ARI >= .65 and at least
  20 dyads it is always below .05), and the mixture method only (the plan also runs k-means and Ward).
  The batched EM (:func:`alliance_stats.typology.cluster.gmm.gmm_bic_batch`, compiled) reproduces scikit-learn's
  ``GaussianMixture`` (``reg_covar=1e-6``, ``tol=1e-3``, ``max_iter=500``) from the same starting values
  (checked against scikit-learn in the tests).
- The CFA is not simulated: its power is the analytic RMSEA power, which needs no replicate.

Batching (issue 17)
-------------------
Steps 1-4 run on a chunk's replicates at once, with a replicate axis on every array (:mod:`.frames`):
:func:`~alliance_stats.simulate.batch.simulate_batch` draws the chunk's R replicates of N dyads from one random
stream (one draw of the generative model for R x N dyads cut into R data sets; dyads are independent in the
model, and the founder age of MAR missingness is standardised per data set, so each replicate is distributed as
:func:`simulate_alliances` of N dyads), then
:func:`~alliance_stats.data.quality.careless_exclusions_stack`,
:func:`~alliance_stats.data.scoring.construct_scores_stack`, dyad means, the crisp rule and ``crossed`` on all
replicates, and the designs through one ``build_design`` template (``build_design`` itself for any replicate it
might refuse). Each shares its arithmetic with the single-data-set function, so every replicate's numbers are
those of the per-replicate chain of public functions on the same data, bit for bit (tests/power/test_frames.py).
Until issue 17 each replicate drew its own ``simulate_alliances`` from its own child seed; the one-stream batch
changed the numbers of a given seed, not their distribution: tests/power/test_distribution.py compares the
power estimates and other replicate summaries of both chains within Monte Carlo error (2,000 replicates).

Reproducibility and distribution
--------------------------------
The replicates of each N are split into chunks of ``chunk_size``; chunk ``j`` of the ``i``-th N draws from the two
children of ``numpy.random.SeedSequence(seed, spawn_key=(i, j))`` (the ``j``-th child of the ``i``-th child of
the plan's seed): the first simulates its replicates (one batch), the second seeds the k-means starts of its
cluster check (:func:`.replicate.chunk_seeds`). A chunk is a pure function of its task (seed, N, place, size),
computed with one BLAS thread, so results are identical bit for bit whatever the number of workers (``jobs``:
forked worker processes) or the backend (``backend="dask"``: the same chunks on a Dask distributed cluster). For a given
``seed`` and ``chunk_size``, the complete chunks are the same whatever the total number of replicates asked (so
the first R replicates are when R is a multiple of ``chunk_size``); a last, shorter chunk draws its own batch.

References: MacCallum, Browne & Sugawara (1996), Psychological Methods 1, 130-149 (semTools 0.5-6); Demidenko
(2007), Statistics in Medicine 26, 3385-3397; Hsieh, Bloch & Larsen (1998), Statistics in Medicine 17,
1623-1634; Firth (1993); Heinze & Schemper (2002); Holm (1979); Steinley (2004); Morris, White & Crowther
(2019), Statistics in Medicine 38, 2074-2102 (Monte Carlo standard errors).

Layout: :mod:`.schema` (the power plan), :mod:`.analytic` (closed-form power), :mod:`.replicate` (one chunk of
replicates), :mod:`.frames` (its data stages on arrays), :mod:`.gmm` (the compiled EM of its cluster check),
:mod:`.execution` (forked workers or Dask, summary), :mod:`.results` (:class:`PowerResult`), :mod:`.runner` (the run
folder of ``alliance-stats power``).
"""

from alliance_stats.core.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "PowerPlan": "alliance_stats.power.schema",
    "load_power_plan": "alliance_stats.power.schema",
    "check_power_plan": "alliance_stats.power.schema",
    "PowerResult": "alliance_stats.power.results",
    "power_analysis": "alliance_stats.power.execution",
    "wald_power_binary": "alliance_stats.power.analytic",
    "hsieh_power_binary": "alliance_stats.power.analytic",
    "cfa_degrees_of_freedom": "alliance_stats.power.analytic",
    "rmsea_power": "alliance_stats.power.analytic",
    "rmsea_sample_size": "alliance_stats.power.analytic",
    "run_power_plan": "alliance_stats.power.runner",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
