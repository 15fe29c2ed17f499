"""The pack entries: data for gen.py. Each entry: contract name, target, match, source
comment (release + source from /work/shared/migration_renames.md, row number), parameters."""

def ren(new, old, since, dep, rem=None, deprecated=False):
    p = {"name": new, "since": since, ("deprecated_names" if deprecated else "removed_names"): old if isinstance(old, list) else [old], "deprecated_in": dep}
    if rem:
        p["removed_in"] = rem
    return p

def gone(name, dep, rem, doc):
    p = {"name": name}
    if dep: p["deprecated_in"] = dep
    if rem: p["removed_in"] = rem
    p["doc"] = doc
    return p

def going(name, dep, doc):
    return {"name": name, "deprecated_in": dep, "doc": doc}

PACKS = {}

SK = []
SK.append(("OneHotEncoder", "sklearn.preprocessing.OneHotEncoder", "qualified", "#1 deprecated 1.2, removed 1.4: wheel 1.3.2 sklearn/preprocessing/_encoders.py:521; absent in 1.4.2", [ren("sparse_output", "sparse", "1.2", "1.2", "1.4")]))
for cls, mod in [("AdaBoostClassifier", "ensemble"), ("AdaBoostRegressor", "ensemble"), ("BaggingClassifier", "ensemble"), ("BaggingRegressor", "ensemble")]:
    SK.append((cls, f"sklearn.{mod}.{cls}", "qualified", "#2 deprecated 1.2, removed 1.4: wheel 1.3.2 sklearn/ensemble/_base.py:100; 1.9.1 _weight_boosting.py:348, _bagging.py:715", [ren("estimator", "base_estimator", "1.2", "1.2", "1.4")]))
SK.append(("CalibratedClassifierCV", "sklearn.calibration.CalibratedClassifierCV", "qualified", "#3 deprecated 1.2, removed 1.4: wheel 1.3.2 sklearn/calibration.py:165; absent in 1.4.2", [ren("estimator", "base_estimator", "1.2", "1.2", "1.4")]))
for cls in ["AgglomerativeClustering", "FeatureAgglomeration"]:
    SK.append((cls, f"sklearn.cluster.{cls}", "qualified", "#4 deprecated 1.2, removed 1.4: wheel 1.3.2 sklearn/cluster/_agglomerative.py:787,1152; 1.4.2 __init__ has only metric", [ren("metric", "affinity", "1.2", "1.2", "1.4")]))
SK.append(("TSNE", "sklearn.manifold.TSNE", "qualified", "#5 deprecated 1.5, removed 1.7: wheel 1.6.1 sklearn/manifold/_t_sne.py:710,1166; 1.9.1 docstring line 620", [ren("max_iter", "n_iter", "1.5", "1.5", "1.7")]))
for cls in ["BayesianRidge", "ARDRegression"]:
    SK.append((cls, f"sklearn.linear_model.{cls}", "qualified", "#6 deprecated 1.3, removed 1.5: wheel 1.3.2 sklearn/linear_model/_bayes.py:50,140,542", [ren("max_iter", "n_iter", "1.3", "1.3", "1.5")]))
SK.append(("MiniBatchDictionaryLearning", "sklearn.decomposition.MiniBatchDictionaryLearning", "qualified", "#7 deprecated 1.1, removed 1.4, NOT a 1:1 rename (n_iter counted mini-batch iterations, max_iter counts epochs): wheel 1.3.2 sklearn/decomposition/_dict_learning.py:1894-1905", [gone("n_iter", "1.1", "1.4", "Use max_iter, which counts epochs over the data, not mini-batch iterations: the number changes.")]))
SK.append(("MiniBatchSparsePCA", "sklearn.decomposition.MiniBatchSparsePCA", "qualified", "#8 deprecated 1.2, removed 1.4, NOT a 1:1 rename (batches vs epochs): wheel 1.3.2 sklearn/decomposition/_sparse_pca.py:359-372", [gone("n_iter", "1.2", "1.4", "Use max_iter, which counts epochs over the data, not mini-batch iterations: the number changes.")]))
for fn in ["cross_validate", "cross_val_predict"]:
    SK.append((fn, f"sklearn.model_selection.{fn}", "qualified", "#9 deprecated 1.4, removed 1.6: wheel 1.4.2 sklearn/model_selection/_validation.py:61-80; absent in 1.6.1", [ren("params", "fit_params", "1.4", "1.4", "1.6")]))
SK.append(("precision_recall_curve", "sklearn.metrics.precision_recall_curve", "qualified", "#10 deprecated 1.5, removed 1.7: wheel 1.6.1 sklearn/metrics/_ranking.py:992-1001; absent in 1.9.1", [ren("y_score", "probas_pred", "1.5", "1.5", "1.7")]))
SK.append(("brier_score_loss", "sklearn.metrics.brier_score_loss", "qualified", "#11 deprecated 1.5, removed 1.7: wheel 1.6.1 sklearn/metrics/_classification.py:3280-3290; 1.9.1 signature (y_true, y_proba, *, ...)", [ren("y_proba", "y_prob", "1.5", "1.5", "1.7")]))
PLS = "#12 deprecated 1.5, removed 1.7: wheel 1.6.1 sklearn/cross_decomposition/_pls.py:168,255,1064"
SK.append(("PLSRegression.fit", "sklearn.cross_decomposition.PLSRegression.fit", "qualified", PLS, [ren("y", "Y", "1.5", "1.5", "1.7")]))
for m in ["fit", "transform", "inverse_transform"]:
    SK.append((f"_PLS.{m}", f"sklearn.cross_decomposition.PLSCanonical.{m}", "qualified", PLS, [ren("y", "Y", "1.5", "1.5", "1.7")]))
for m in ["fit", "transform"]:
    SK.append((f"PLSSVD.{m}", f"sklearn.cross_decomposition.PLSSVD.{m}", "qualified", PLS, [ren("y", "Y", "1.5", "1.5", "1.7")]))
for fn, mod in [("check_array", "utils"), ("check_X_y", "utils"), ("check_pairwise_arrays", "metrics.pairwise")]:
    SK.append((fn, f"sklearn.{mod}.{fn}", "qualified", "#13 deprecated 1.6, removed 1.8: wheel 1.6.1 sklearn/utils/deprecation.py:152, utils/validation.py:252; 1.9.1 utils/validation.py:261", [ren("ensure_all_finite", "force_all_finite", "1.6", "1.6", "1.8")]))
SK.append(("make_sparse_spd_matrix", "sklearn.datasets.make_sparse_spd_matrix", "qualified", "#14 deprecated 1.4, removed 1.6: wheel 1.4.2 sklearn/datasets/_samples_generator.py:1756", [ren("n_dim", "dim", "1.4", "1.4", "1.6")]))
SK.append(("RocCurveDisplay.from_predictions", "sklearn.metrics.RocCurveDisplay.from_predictions", "qualified", "#15 deprecated 1.7, removed 1.9: 1.9.1 sklearn/metrics/_plot/roc_curve.py:471", [ren("y_score", "y_pred", "1.7", "1.7", "1.9")]))
for cls, f in [("DetCurveDisplay", "det_curve.py:303"), ("PrecisionRecallDisplay", "precision_recall_curve.py:700")]:
    SK.append((f"{cls}.from_predictions", f"sklearn.metrics.{cls}.from_predictions", "qualified", f"#16 deprecated 1.8 (removal planned 1.10): 1.9.1 sklearn/metrics/_plot/{f}", [ren("y_score", "y_pred", "1.8", "1.8", deprecated=True)]))
for fn in ["log_loss", "d2_log_loss_score"]:
    SK.append((fn, f"sklearn.metrics.{fn}", "qualified", "#17 deprecated 1.9 (removal planned 1.11): 1.9.1 sklearn/metrics/_classification.py:3418-3430", [ren("y_proba", "y_pred", "1.9", "1.9", deprecated=True)]))
PACKS["scikit-learn"] = ("sklearn", SK)

PD = []
RC = "wheel 1.5.3 pandas/io/parsers/readers.py"
for fn in ["read_csv", "read_table"]:
    ps = [
        gone("error_bad_lines", "1.3.0", "2.0.0", "Use on_bad_lines='error' (True) or 'skip'/'warn' (False): two flags became one choice."),
        gone("warn_bad_lines", "1.3.0", "2.0.0", "Use on_bad_lines='warn' or 'skip'."),
        gone("delim_whitespace", "2.2.0", "3.0.0", "Use sep=r'\\s+'."),
        gone("date_parser", "2.0.0", "3.0.0", "Use date_format (a strftime format), or convert the column after reading."),
        gone("squeeze", "1.4.0", "2.0.0", "Append .squeeze(\"columns\") to the call."),
        gone("prefix", "1.4.0", "2.0.0", "Rename the columns after reading (df.columns = [f\"X{i}\" for i in range(df.shape[1])])."),
        gone("mangle_dupe_cols", "1.5.0", "2.0.0", "Delete it: duplicate columns are always renamed."),
    ]
    if fn == "read_csv":
        ps += [
            gone("infer_datetime_format", "2.0.0", "3.0.0", "Delete it: the strict format inference it asked for is the default."),
            gone("verbose", "2.2.0", "3.0.0", "Delete it."),
            gone("keep_date_col", "2.2.0", "3.0.0", "Delete it; combine the columns after reading if they are needed."),
        ]
    PD.append((fn, f"pandas.{fn}", "qualified", f"#19 error/warn_bad_lines deprecated 1.3.0, removed 2.0.0 ({RC}:362-380); #25 delim_whitespace 2.2.0 -> 3.0.0, #26 date_parser 2.0.0 -> 3.0.0 (wheel 2.2.3 readers.py:280-292, 403-409); #27 squeeze/prefix 1.4.0, mangle_dupe_cols 1.5.0 -> 2.0.0 ({RC}:148-172, 486-500), infer_datetime_format 2.0.0, verbose/keep_date_col 2.2.0 -> 3.0.0 (wheel 2.2.3 readers.py:241-292, 940-1000). None is a 1:1 rename: no fix", ps))
PD.append(("read_excel", "pandas.read_excel", "qualified", "#27 squeeze deprecated 1.4.0, convert_float 1.3.0, mangle_dupe_cols 1.5.0; removed 2.0.0: wheel 1.5.3 pandas/io/excel/_base.py:142-146, 271-288, 441 (@deprecate_kwarg mangle_dupe_cols)", [
    gone("squeeze", "1.4.0", "2.0.0", "Append .squeeze(\"columns\") to the call."),
    gone("convert_float", "1.3.0", "2.0.0", "Delete it; convert the columns after reading if needed."),
    gone("mangle_dupe_cols", "1.5.0", "2.0.0", "Delete it: duplicate columns are always renamed."),
]))
PD.append(("to_datetime", "pandas.to_datetime", "qualified", "#27 infer_datetime_format deprecated 2.0.0, removed 3.0.0: presence checks in the 2.2.3 / 2.3.3 / 3.0.0 wheels; wheel 1.5.3 pandas/core/tools/datetimes.py:332 (not yet deprecated)", [gone("infer_datetime_format", "2.0.0", "3.0.0", "Delete it: the strict format inference it asked for is the default.")]))
PD.append(("NDFrame.to_csv", "pandas.DataFrame.to_csv", "name", "#20 deprecated 1.5.0, removed 2.0.0: wheel 1.5.3 pandas/core/generic.py:3541 (@deprecate_kwarg line_terminator -> lineterminator), docstring 3643; absent in 2.2.3", [ren("lineterminator", "line_terminator", "1.5.0", "1.5.0", "2.0.0")]))
for m in ["to_parquet", "to_feather", "to_stata"]:
    PD.append((f"DataFrame.{m}", f"pandas.DataFrame.{m}", "name", "#21 deprecated 1.0.0, removed 2.0.0: wheel 1.5.3 pandas/core/frame.py:2607,2768,2878 (@deprecate_kwarg fname -> path); absent in 2.2.3", [ren("path", "fname", "1.0.0", "1.0.0", "2.0.0")]))
PD.append(("Styler.highlight_null", "pandas.io.formats.style.Styler.highlight_null", "name", "#22 deprecated 1.5.0, removed 2.0.0: wheel 1.5.3 pandas/io/formats/style.py:3362-3394; absent in 2.2.3", [ren("color", "null_color", "1.5.0", "1.5.0", "2.0.0")]))
for cls in ["Rolling", "Expanding"]:
    PD.append((f"{cls}.quantile", f"pandas.api.typing.{cls}.quantile", "name", "#23 deprecated 2.1.0, removed 3.0.0: wheel 2.2.3 pandas/core/window/rolling.py:2549,2591, expanding.py:717 (@deprecate_kwarg quantile -> q); absent in 3.0.0", [ren("q", "quantile", "2.1.0", "2.1.0", "3.0.0")]))
PD.append(("NDFrame.between_time", "pandas.DataFrame.between_time", "name", "#24 deprecated 1.4.0, removed 2.0.0, NOT a 1:1 rename (two flags -> inclusive): wheel 1.5.3 pandas/core/generic.py:8318-8336; absent in 2.2.3", [
    gone("include_start", "1.4.0", "2.0.0", "Use inclusive='both', 'left', 'right' or 'neither' (it replaces include_start and include_end together)."),
    gone("include_end", "1.4.0", "2.0.0", "Use inclusive='both', 'left', 'right' or 'neither' (it replaces include_start and include_end together)."),
]))
PACKS["pandas"] = ("pandas", PD)

NP = []
NP.append(("histogram", "numpy.histogram", "qualified", "#28 deprecated 1.6.0 (warning since 1.15.0), removed 1.24.0, NOT 1:1 for unequal bin widths: numpy doc/source/release/1.24.0-notes.rst:82-87; numpy/lib/histograms.py@570710aa:707-715", [gone("normed", "1.6.0", "1.24.0", "Use density=True; normed gave wrong results for unequal bin widths, so check the numbers.")]))
for fn in ["histogram2d", "histogramdd"]:
    NP.append((fn, f"numpy.{fn}", "qualified", "#29 renamed 1.15.0, removed 1.24.0: numpy doc/source/release/1.15.0-notes.rst:342-346; 1.24.0-notes.rst:82-87", [ren("density", "normed", "1.15.0", "1.15.0", "1.24.0")]))
for fn in ["percentile", "quantile", "nanpercentile", "nanquantile"]:
    NP.append((fn, f"numpy.{fn}", "qualified", "#30 deprecated 1.22.0, removed 2.4.0: numpy doc/source/release/1.22.0-notes.rst:396-400; 2.4.0-notes.rst:131-142", [ren("method", "interpolation", "1.22.0", "1.22.0", "2.4.0")]))
NP.append(("reshape", "numpy.reshape", "qualified", "#31 deprecated 2.1.0, removed 2.4.0: numpy doc/source/release/2.4.0-notes.rst:179-184", [ren("shape", "newshape", "2.1.0", "2.1.0", "2.4.0")]))
NP.append(("fromtextfile", "numpy.ma.mrecords.fromtextfile", "qualified", "#32 deprecated 1.22.0, removed 2.4.0: numpy doc/source/release/2.4.0-notes.rst (Removed delimitor parameter)", [ren("delimiter", "delimitor", "1.22.0", "1.22.0", "2.4.0")]))
NP.append(("save", "numpy.save", "qualified", "#33 fix_imports deprecated 2.1.0, removed 2.4.0: numpy doc/source/release/2.4.0-notes.rst:158-164", [gone("fix_imports", "2.1.0", "2.4.0", "Delete it: it had no effect on Python 3.")]))
NP.append(("corrcoef", "numpy.corrcoef", "qualified", "#33 bias and ddof had no effect since 1.10, removed 2.4.0: numpy doc/source/release/2.4.0-notes.rst:187-199", [gone("bias", "1.10.0", "2.4.0", "Delete it: it had no effect."), gone("ddof", "1.10.0", "2.4.0", "Delete it: it had no effect.")]))
NP.append(("array2string", "numpy.array2string", "qualified", "#33 style had no effect since 1.14, removed 2.4.0: numpy doc/source/release/2.4.0-notes.rst:206-215", [gone("style", "1.14.0", "2.4.0", "Delete it: it had no effect.")]))
PACKS["numpy"] = ("numpy", NP)

MPL = []
SC = "#34 deprecated 3.3, removed 3.5: wheel 3.4.3 matplotlib/scale.py:197,290-292,469-472,500-551 (_api.rename_parameter(\"3.3\", ...)); doc/api/prev_api_changes/api_changes_3.5.0/removals.rst"
def axis_kw(x):
    return [ren("base", f"base{x}", "3.3", "3.3", "3.5"), ren("subs", f"subs{x}", "3.3", "3.3", "3.5"), ren("nonpositive", f"nonpos{x}", "3.3", "3.3", "3.5")]
MPL.append(("Axes.set_xscale", "matplotlib.axes.Axes.set_xscale", "name", SC, axis_kw("x") + [ren("linthresh", "linthreshx", "3.3", "3.3", "3.5"), ren("linscale", "linscalex", "3.3", "3.3", "3.5")]))
MPL.append(("Axes.set_yscale", "matplotlib.axes.Axes.set_yscale", "name", SC, axis_kw("y") + [ren("linthresh", "linthreshy", "3.3", "3.3", "3.5"), ren("linscale", "linscaley", "3.3", "3.3", "3.5")]))
MPL.append(("Axes.semilogx", "matplotlib.axes.Axes.semilogx", "name", SC, axis_kw("x")))
MPL.append(("Axes.semilogy", "matplotlib.axes.Axes.semilogy", "name", SC, axis_kw("y")))
LOG = "Use base, subs and nonpositive, or set_xscale/set_yscale when the x and y values differ."
MPL.append(("Axes.loglog", "matplotlib.axes.Axes.loglog", "name", SC + "; loglog(basex=a, basey=b) with a != b has no single replacement, so no fix", [gone(k, "3.3", "3.5", LOG) for k in ["basex", "basey", "subsx", "subsy", "nonposx", "nonposy"]]))
ANN = "#35 deprecated 3.3, removed 3.5: wheel 3.4.3 matplotlib/axes/_axes.py:649; api_changes_3.5.0/removals.rst (Arguments)"
MPL.append(("Axes.annotate", "matplotlib.axes.Axes.annotate", "qualified", ANN, [ren("text", "s", "3.3", "3.3", "3.5")]))
MPL.append(("pyplot.annotate", "matplotlib.pyplot.annotate", "qualified", ANN, [ren("text", "s", "3.3", "3.3", "3.5")]))
GR = "#36 deprecated 3.5, removed 3.7: wheel 3.5.3 matplotlib/axes/_base.py:3196, axis.py:1394; doc/api/prev_api_changes/api_changes_3.7.0/removals.rst"
MPL.append(("Axes.grid", "matplotlib.axes.Axes.grid", "name", GR, [ren("visible", "b", "3.5", "3.5", "3.7")]))
MPL.append(("Axis.grid", "matplotlib.axis.Axis.grid", "qualified", GR, [ren("visible", "b", "3.5", "3.5", "3.7")]))
MPL.append(("pyplot.grid", "matplotlib.pyplot.grid", "qualified", GR, [ren("visible", "b", "3.5", "3.5", "3.7")]))
BX = "#38 labels deprecated 3.9, removed 3.11: wheel 3.9.4 matplotlib/axes/_axes.py:3814 (_api.rename_parameter(\"3.9\", \"labels\", \"tick_labels\")); 3.11.2 docstring 4445-4446. #39 vert deprecated 3.11, NOT 1:1 (bool -> orientation string): wheel 3.11.2 matplotlib/axes/_axes.py:4836-4848, 9144-9151"
VERT = going("vert", "3.11", "Use orientation='vertical' (vert=True) or 'horizontal' (vert=False).")
MPL.append(("Axes.boxplot", "matplotlib.axes.Axes.boxplot", "name", BX, [ren("tick_labels", "labels", "3.9", "3.9", "3.11"), VERT]))
MPL.append(("Axes.violinplot", "matplotlib.axes.Axes.violinplot", "name", "#39 vert deprecated 3.11, NOT 1:1: wheel 3.11.2 matplotlib/axes/_axes.py:9144-9151", [VERT]))
SV = "#40 deprecated 3.3, removed 3.5, NOT a rename (the options move into pil_kwargs): wheel 3.4.3 matplotlib/backends/backend_agg.py:525-529; api_changes_3.5.0/removals.rst"
PIL = "Pass it inside pil_kwargs={...} (a JPEG option of Pillow)."
MPL.append(("Figure.savefig", "matplotlib.figure.Figure.savefig", "name", SV, [gone(k, "3.3", "3.5", PIL) for k in ["quality", "optimize", "progressive"]]))
PACKS["matplotlib"] = ("matplotlib", MPL)

SP = []
for fn in ["bicg", "bicgstab", "cg", "cgs", "gcrotmk", "gmres", "lgmres", "minres", "qmr", "tfqmr"]:
    SP.append((fn, f"scipy.sparse.linalg.{fn}", "qualified", "#41 deprecated 1.12.0, removed 1.14.0: scipy doc/source/release/1.12.0-notes.rst:288-291; 1.14.0-notes.rst:231-234 (atol's default changed to 0.0 in 1.14 too)", [ren("rtol", "tol", "1.12.0", "1.12.0", "1.14.0")]))
PI = "Use atol / rtol: they mean something else than cond / rcond, which did not work as documented."
SP.append(("pinv", "scipy.linalg.pinv", "qualified", "#42 deprecated 1.7.0, removed 1.14.0, NOT 1:1: scipy doc/source/release/1.7.0-notes.rst:310-312; 1.14.0-notes.rst:239-240", [gone("cond", "1.7.0", "1.14.0", PI), gone("rcond", "1.7.0", "1.14.0", PI)]))
SP.append(("pinvh", "scipy.linalg.pinvh", "qualified", "#42 deprecated 1.7.0, NOT 1:1: scipy doc/source/release/1.7.0-notes.rst:310-312", [going("cond", "1.7.0", PI), going("rcond", "1.7.0", PI)]))
SP.append(("solve", "scipy.linalg.solve", "qualified", "#43 deprecated 0.19.0, removed 1.11.0, NOT a rename (a flag became a value of assume_a): scipy doc/source/release/0.19.0-notes.rst:46; 1.11.0-notes.rst:300", [gone("sym_pos", "0.19.0", "1.11.0", "Use assume_a='pos' for sym_pos=True; delete sym_pos=False.")]))
SP.append(("rv_generic.interval", "scipy.stats.rv_continuous.interval", "name", "#44 deprecated 1.9.0, removed 1.11.0: scipy doc/source/release/1.9.0-notes.rst:216-224; 1.11.0-notes.rst:289", [ren("confidence", "alpha", "1.9.0", "1.9.0", "1.11.0")]))
PACKS["scipy"] = ("scipy", SP)

UL = []
UL.append(("Retry", "urllib3.util.retry.Retry", "qualified", "#48 deprecated 1.26.0, removed 2.0.0: urllib3 CHANGES.rst 1.26.0 (Retry(method_whitelist=...) in favor of Retry(allowed_methods=...)) and 2.0.0 Removed (#2086)", [ren("allowed_methods", "method_whitelist", "1.26.0", "1.26.0", "2.0.0")]))
SSL = "#49 ssl_version deprecated 2.0.0 (still accepted in 2.7.0), NOT 1:1 (a PROTOCOL_* constant vs ssl.TLSVersion): urllib3 CHANGES.rst 2.0.0 Deprecated (#2110); src/urllib3/connection.py:680"
STRICT = "#50 strict removed 2.0.0 (it had no effect on Python 3): urllib3 CHANGES.rst 2.0.0 (Removed the strict parameter/attribute, #2064)"
SSLP = going("ssl_version", "2.0.0", "Use ssl_minimum_version (an ssl.TLSVersion such as ssl.TLSVersion.TLSv1_2).")
STRP = gone("strict", None, "2.0.0", "Delete it: it had no effect on Python 3.")
UL.append(("HTTPSConnectionPool", "urllib3.HTTPSConnectionPool", "qualified", SSL + "; " + STRICT, [SSLP, STRP]))
UL.append(("HTTPSConnection", "urllib3.connection.HTTPSConnection", "qualified", SSL + "; " + STRICT, [SSLP, STRP]))
UL.append(("HTTPConnectionPool", "urllib3.HTTPConnectionPool", "qualified", STRICT, [STRP]))
UL.append(("HTTPConnection", "urllib3.connection.HTTPConnection", "qualified", STRICT, [STRP]))
UL.append(("HTTPResponse", "urllib3.response.HTTPResponse", "qualified", STRICT, [STRP]))
UL.append(("PoolManager", "urllib3.PoolManager", "qualified", SSL + " (PoolManager passes it on to its pools)", [SSLP]))
PACKS["urllib3"] = ("urllib3,requests", UL)

DJ = []
DJ.append(("CheckConstraint", "django.db.models.CheckConstraint", "qualified", "#62 deprecated 5.1 (RemovedInDjango60Warning), removed 6.0: Django commit daf7d482 (docs/internals/deprecation.txt); wheel 5.2.19 django/db/models/constraints.py:163-173; 6.1.3 __init__(self, *, condition, name, ...)", [ren("condition", "check", "5.1", "5.1", "6.0")]))
DJ.append(("Signal", "django.dispatch.Signal", "qualified", "#63 deprecated 3.1, removed 4.0: wheel 3.2.25 django/dispatch/dispatcher.py:33-43 (warning: purely documentational, no replacement); Django 4.0 release notes (per jazzband/django-simple-history#940)", [gone("providing_args", "3.1", "4.0", "Delete it: it was purely documentational and has no replacement.")]))
PACKS["django"] = ("django", DJ)

PY = []
FLD = "pydantic repo pydantic/fields.py:1283-1329; docs/migration.md (Changes to pydantic.Field)"
PY.append(("Field", "pydantic.Field", "qualified", f"#54 regex removed 2.0 (1:1, but patterns now use Rust regex: no look-around); #55 min_items/max_items deprecated 2.0; #56 allow_mutation deprecated 2.0, NOT 1:1 (inverted); #57 const, unique_items removed 2.0: {FLD}", [
    ren("pattern", "regex", "2.0", "2.0", "2.0"),
    ren("min_length", "min_items", "2.0", "2.0", deprecated=True),
    ren("max_length", "max_items", "2.0", "2.0", deprecated=True),
    going("allow_mutation", "2.0", "Use frozen=True where allow_mutation=False (the meaning is inverted)."),
    gone("const", None, "2.0", "Annotate the field with typing.Literal[value] instead."),
    gone("unique_items", None, "2.0", "Annotate the field as a set instead."),
]))
CFG = "#58 renamed 2.0 (old keys warn and are NOT honoured): pydantic repo pydantic/_internal/_config.py:348-387 (V2_RENAMED_KEYS); docs/migration.md (config settings have been renamed)"
PY.append(("ConfigDict", "pydantic.ConfigDict", "qualified", CFG, [
    ren("from_attributes", "orm_mode", "2.0", "2.0", "2.0"),
    ren("str_to_lower", "anystr_lower", "2.0", "2.0", "2.0"),
    ren("str_strip_whitespace", "anystr_strip_whitespace", "2.0", "2.0", "2.0"),
    ren("str_to_upper", "anystr_upper", "2.0", "2.0", "2.0"),
    ren("ignored_types", "keep_untouched", "2.0", "2.0", "2.0"),
    ren("str_max_length", "max_anystr_length", "2.0", "2.0", "2.0"),
    ren("str_min_length", "min_anystr_length", "2.0", "2.0", "2.0"),
    ren("json_schema_extra", "schema_extra", "2.0", "2.0", "2.0"),
    ren("validate_default", "validate_all", "2.0", "2.0", "2.0"),
    gone("allow_population_by_field_name", None, "2.0", "Use validate_by_name (pydantic >= 2.11) or populate_by_name."),
]))
PACKS["pydantic"] = ("pydantic", PY)
