"""Find every public import path of objects: python aliases.py <roots,comma> <dotted> ...
Walks the public modules (no segment starting with '_') of the roots, importing each, and
lists every module attribute (and class attribute, for methods) that `is` the object."""
import importlib, pkgutil, sys, warnings, inspect, json, os
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "")
warnings.simplefilter("ignore")
roots = sys.argv[1].split(",")
wanted = sys.argv[2:]

def load(dotted):
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except Exception:
            continue
        try:
            for p in parts[i:]:
                obj = getattr(obj, p)
            return obj
        except AttributeError:
            return None
    return None

objs = {w: load(w) for w in wanted}
missing = [w for w, o in objs.items() if o is None]
mods = {}
for root in roots:
    try:
        pkg = importlib.import_module(root)
    except Exception as e:
        print("cannot import", root, e, file=sys.stderr); continue
    mods[root] = pkg
    stack = [(pkg.__path__, root)]
    while stack:
        path, prefix = stack.pop()
        for info in pkgutil.iter_modules(path, prefix + "."):
            name = info.name
            last = name.rsplit(".", 1)[-1]
            if last.startswith("_") or last in ("tests", "testing", "conftest", "test"):
                continue
            try:
                mod = importlib.import_module(name)
            except BaseException:
                continue
            mods[name] = mod
            if info.ispkg and hasattr(mod, "__path__"):
                stack.append((mod.__path__, name))
# requests.packages: modules registered in sys.modules under another name
for name, mod in list(sys.modules.items()):
    if any(name == r or name.startswith(r + ".") for r in roots) and mod is not None and not any(seg.startswith("_") for seg in name.split(".")):
        mods.setdefault(name, mod)

def unwrap(o):
    try:
        return getattr(o, "__func__", o)
    except BaseException:  # lazy objects (django.conf.settings) that raise on any attribute
        return o

def defined_in(value, mod):
    """``value`` is a class or function whose source is ``mod``'s file (pandas 3 rewrites
    ``__module__`` of its public classes to ``pandas``)."""
    try:
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            return False
        return inspect.getsourcefile(value) == getattr(mod, "__file__", None)
    except BaseException:
        return False

out = {}
for w, obj in objs.items():
    if obj is None:
        continue
    target = unwrap(obj)
    paths = set()
    defining = getattr(target, "__module__", None), getattr(target, "__qualname__", None)
    if all(defining) and "<" not in defining[1]:
        paths.add(f"{defining[0]}.{defining[1]}")
    is_method = "." in (defining[1] or "") and not inspect.isclass(target)
    for mname, mod in mods.items():
        exported = set(getattr(mod, "__all__", None) or ())
        is_package = hasattr(mod, "__path__")
        for attr, value in list(vars(mod).items()):
            if attr.startswith("_"):
                continue
            # a public path: where the object (or its class) is defined, a package's
            # re-export, or a module's __all__; not another module's incidental import
            try:
                home = getattr(value, "__module__", None)
            except BaseException:
                home = None
            if not (is_package or attr in exported or home == mod.__name__ or defined_in(value, mod)):
                continue
            if unwrap(value) is target:
                paths.add(f"{mname}.{attr}")
            elif is_method and inspect.isclass(value):
                meth = target.__name__
                try:
                    got = inspect.getattr_static(value, meth)
                except AttributeError:
                    continue
                if unwrap(got) is target or getattr(got, "__func__", None) is target:
                    paths.add(f"{mname}.{attr}.{meth}")
    out[w] = sorted(paths)
sys.stdout = sys.__stdout__
print("@@JSON@@" + json.dumps({"found": out, "missing": missing}))
