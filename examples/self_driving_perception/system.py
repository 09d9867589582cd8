"""Self-driving perception: many models under a hard per-frame budget on the car's own computer.

Camera, lidar and radar each feed a detector; a fusion step combines their object lists (an
ensemble); a trajectory model predicts where each object goes next; the planner picks a path and a
rule-based safety monitor bounds what reaches the actuators. The camera detector is a cascade: a
fast detector handles every frame and escalates uncertain regions to a larger classifier. The cloud
only receives selected clips for training and sends back new models and map updates. The design
question: can any perception model leave the car's GPU computer (for the cloud, or for the
smaller backup computer) and still meet the frame budget, offline?

Sources (values marked "assumed" are ours, for the review to question):
[K] C. Kaestner, "Deploying a Model", Machine Learning in Production lecture notes (CMU 17-445/645):
    the self-driving car as a deployment case; "real-time serving; many models" after Peng et al.
[P] Z. Peng, J. Yang, T.-H. Chen, L. Ma, "A first look at the integration of machine learning models
    in complex autonomous driving systems: a case study on Apollo", ESEC/FSE 2020 (cited in [K]):
    the structure of many models composed into perception, prediction and planning.
"""

from archkit import Component, Flow, Link, Model, Node, System, Variant
from archkit.catalog.templates import ensemble

LOOP = ("clips chosen by the models' own disagreements are labelled by people before training; "
        "each release is replayed on a fixed scenario suite")
PERCEPTION = dict(owner="perception team", language="c++", stateless=True, properties={"feedback_loop": LOOP},
                  ip_sensitive=True)  # the perception models are the company's core asset

with System(
    "Self-driving perception",
    description="Sensors -> detectors -> fusion -> prediction -> planning -> safety monitor -> actuators, per frame.",
    version="1.0",
    users=10_000,  # assumed: a fleet of 10,000 cars (one car per "user")
    peak_active_share=0.5,  # assumed: half of the fleet drives at the same time at peak
    usage_hours_per_day=8,  # assumed: eight hours of driving a car and day (a robotaxi fleet)
    requirements=["latency(perceive-and-plan) <= 100 ms"],  # assumed, see the flow
    objectives=["minimize cost"],
) as system:
    with Node(
        "car_computer", kind="embedded", name="In-vehicle GPU computer",
        cpu_cores=16, gpus=2, memory="64 GB", storage="2 TB",  # assumed
        power="500 W",  # assumed draw of the compute unit
        per_user=1,
        availability=0.999,  # assumed
    ):
        camera = Component("camera", kind="sensor", name="Cameras",
                           description="Eight cameras, merged into one frame set per tick",
                           memory="200 MB", processing_time="1..2 ms")  # assumed
        lidar = Component("lidar", kind="sensor", name="Lidar", memory="200 MB", processing_time="1..2 ms")  # assumed
        radar = Component("radar", kind="sensor", name="Radar", memory="50 MB", processing_time="0.5..1 ms")  # assumed
        camera_detector = Model(
            "camera_detector", name="Camera detector (fast)",
            task="3D object detection",
            framework="tensorrt",
            outputs=[{"name": "objects", "type": "list[box3d]", "unit": "metres, vehicle frame", "meaning": "detected objects"}],
            size="150 MB", memory="2 GB",  # assumed
            inference_time={"car_computer": "15..25 ms", "backup_computer": "80..150 ms", "cloud": "5..10 ms"},  # assumed
            update_period="30 d",  # assumed
            intended_use="Detect vehicles, pedestrians and cyclists around the car", version="cam-det-7",
            gpus=0.5, **PERCEPTION)  # assumed: two models share each GPU
        camera_classifier = Model(
            "camera_classifier", name="Camera classifier (large)",
            task="object classification",
            framework="tensorrt",
            outputs=[{"name": "label", "type": "string", "meaning": "class of an uncertain region"}],
            size="400 MB", memory="3 GB",  # assumed
            inference_time={"car_computer": "10..20 ms", "backup_computer": "60..120 ms", "cloud": "3..6 ms"},  # assumed
            update_period="30 d",  # assumed
            intended_use="Classify regions the fast detector is unsure about", version="cam-cls-3",
            gpus=0.5, cpus=1, **PERCEPTION)  # assumed: two models share each GPU
        lidar_detector = Model(
            "lidar_detector", name="Lidar detector",
            task="3D object detection",
            framework="tensorrt",
            outputs=[{"name": "objects", "type": "list[box3d]", "unit": "metres, vehicle frame", "meaning": "detected objects"}],
            size="100 MB", memory="2 GB",  # assumed
            inference_time={"car_computer": "10..20 ms", "backup_computer": "60..100 ms", "cloud": "4..8 ms"},  # assumed
            update_period="30 d",  # assumed
            intended_use="Detect objects in the lidar point cloud", version="lidar-det-5",
            gpus=0.5, **PERCEPTION)  # assumed: two models share each GPU
        radar_detector = Model(
            "radar_detector", name="Radar detector",
            task="3D object detection",
            framework="onnxruntime",
            outputs=[{"name": "objects", "type": "list[box3d]", "unit": "metres, m/s", "meaning": "objects with speed"}],
            size="10 MB", memory="300 MB",  # assumed
            inference_time={"car_computer": "2..4 ms", "backup_computer": "5..10 ms", "cloud": "1..2 ms"},  # assumed
            update_period="90 d",  # assumed
            intended_use="Detect moving objects and their speed in radar returns", version="radar-det-2",
            **PERCEPTION)
        fusion = Component(
            "fusion", kind="business_logic", name="Sensor fusion",
            description="Late fusion: merges the three object lists into one (association and vote)",
            language="c++", memory="500 MB", processing_time="3..6 ms", owner="perception team")  # assumed
        prediction = Model(
            "trajectory_prediction", name="Trajectory prediction",
            task="trajectory prediction",
            framework="tensorrt",
            outputs=[{"name": "trajectories", "type": "list[trajectory]", "unit": "metres over 5 s",
                      "meaning": "likely paths of each fused object"}],
            size="80 MB", memory="1 GB",  # assumed
            inference_time={"car_computer": "8..15 ms", "backup_computer": "40..80 ms", "cloud": "3..5 ms"},  # assumed
            update_period="30 d",  # assumed
            intended_use="Predict the next five seconds of every nearby road user", version="traj-4",
            gpus=0.5, owner="prediction team", language="c++", stateless=True, properties={"feedback_loop": LOOP},
            ip_sensitive=True)
        planner = Component(
            "planner", kind="business_logic", name="Motion planner",
            description="Chooses the car's path and speed from the predicted scene and the map",
            language="c++", memory="1 GB", processing_time="10..20 ms", owner="planning team")  # assumed
        hd_map = Component(
            "hd_map", kind="datastore", name="HD map tiles", memory="2 GB", storage="200 GB",
            processing_time="0.5..1 ms")  # assumed
        monitor = Component(
            "safety_monitor", kind="safeguard", name="Safety monitor",
            description="Rule-based checks of the plan against the predicted trajectories",
            language="c", memory="100 MB", processing_time="1..2 ms", owner="safety team",  # assumed
            properties={"rules": ["never exceed the speed limit",
                                  "brake when an object is inside the stopping distance"]})
        actuators = Component("actuators", kind="x-actuator", name="Steering, throttle, brakes",
                              memory="10 MB", processing_time="1..2 ms")  # assumed
        logger = Component(
            "clip_logger", kind="telemetry", name="Clip logger",
            description="Keeps the last 30 s of sensor data; uploads clips with disengagements or disagreements",
            memory="4 GB", storage="1 TB", processing_time="0.2..1 ms")  # assumed

    with Node(
        "backup_computer", kind="embedded", name="Backup computer",
        description="Smaller redundant computer that can stop the car safely",
        cpu_cores=8, memory="16 GB", storage="256 GB",  # assumed, no GPU
        per_user=1, availability=0.999,  # assumed
    ):
        pass

    with Node(
        "cloud", kind="cloud", name="Training and map cloud",
        cpu_cores=64, gpus=8, memory="512 GB", storage="100 TB",  # assumed GPU training servers
        cost_per_hour="25 USD/h",  # assumed on-demand price of an 8-GPU server
        count=8,  # assumed
        availability=0.999,  # assumed
    ):
        data_lake = Component("data_lake", kind="datastore", name="Driving data lake",
                              memory="64 GB", storage="200 TB", replicas=3, cpus=4, processing_time="5..20 ms",  # assumed
                              properties={"role": "lake"})
        training = Component(
            "training", kind="training_pipeline", name="Model training",
            description="Retrains the perception and prediction models on labelled clips",
            language="python", memory="256 GB", gpus=8, processing_time="1..3 d",  # assumed
            properties={"responsibilities": ["train", "evaluate"]})
        registry = Component("model_registry", kind="model_registry", name="Model registry",
                             memory="4 GB", storage="2 TB", replicas=2, cpus=1, processing_time="5..20 ms")  # assumed
        maps = Component("map_service", kind="business_logic", name="Map service",
                         description="Publishes updated HD map tiles", memory="16 GB", storage="20 TB",
                         replicas=2, cpus=2, processing_time="10..50 ms")  # assumed

    # Links -----------------------------------------------------------------------------------
    Link("car_computer", "backup_computer", medium="lan", bandwidth="10 Gbit/s", latency="0.05..0.2 ms",  # assumed in-car Ethernet
         availability=0.9999)  # assumed
    Link("car_computer", "cloud", medium="cellular",
         bandwidth="10..50 Mbit/s",  # assumed 5G/LTE uplink while driving
         latency="20..80 ms",  # assumed
         cost_per_gb="2 USD/GB",  # assumed fleet data plan
         intermittent=True, availability=0.95)  # assumed coverage
    Link("car_computer", "cloud", medium="wifi", id="depot-wifi",
         bandwidth="100..500 Mbit/s", latency="5..20 ms",  # assumed depot Wi-Fi while parked and charging
         intermittent=True, availability=0.3)  # assumed: in the depot 30 % of the time

    # Connectors --------------------------------------------------------------------------------
    frames = (camera >> camera_detector).set(kind="stream", request_size="6 MB",  # assumed: eight compressed frames
                                             rate="10 /s")  # assumed 10 Hz perception tick
    points = (lidar >> lidar_detector).set(kind="stream", request_size="2 MB", rate="10 /s")  # assumed
    returns = (radar >> radar_detector).set(kind="stream", request_size="0.1 MB", rate="10 /s")  # assumed
    escalate = (camera_detector >> camera_classifier).set(
        kind="sync_call", request_size="200 kB", response_size="1 kB", rate="10 /s",
        conditional=True, share=0.2,  # assumed: a fifth of the frames have an uncertain region
        data_sensitivity="personal")  # crops of camera frames can show passers-by
    fused = ensemble([camera_detector, lidar_detector, radar_detector], fusion, aggregation="late fusion vote")
    fuse_calls = fused.calls
    for call in fuse_calls:
        call.set(request_size="1 kB", response_size="20 kB", rate="10 /s")  # assumed object lists
    predict = (fusion >> prediction).set(kind="async_message", request_size="20 kB", rate="10 /s",
                                         data_sensitivity="internal",
                                         description="Fused objects, published on the perception channel")
    trajectories = (prediction >> planner).set(kind="async_message", request_size="50 kB", rate="10 /s",
                                               data_sensitivity="internal")
    watch = (prediction >> monitor).set(kind="async_message", request_size="50 kB", rate="10 /s",
                                        data_sensitivity="internal",
                                        description="The same trajectories, for the monitor's own checks")
    read_map = (planner >> hd_map).set(kind="sync_call", op="read", request_size="1 kB", response_size="100 kB",
                                       rate="10 /s")
    checked = (planner >> monitor).set(kind="in_process", request_size="5 kB", rate="10 /s")
    actuate = (monitor >> actuators).set(kind="sync_call", request_size="1 kB", response_size="0.1 kB", rate="10 /s")
    log = (fusion >> logger).set(kind="async_message", purpose="telemetry", request_size="70 kB", rate="10 /s",
                                 description="Object lists and model versions per tick, kept in the ring buffer")
    (camera_classifier >> logger).set(kind="async_message", purpose="telemetry", request_size="1 kB", rate="10 /s",
                                      share=0.2, consumers=["training"], description="Classifier answers and confidence")
    (actuators >> logger).set(kind="async_message", purpose="feedback", request_size="1 kB", rate="1 /h",
                              description="Disengagements: the safety driver took over (a label for the clip)")
    clips = (logger >> data_lake).set(
        kind="batch_transfer", purpose="training", request_size="500 MB",  # assumed 30 s clip
        rate="4 /day",  # assumed: four clips a car and day
        data_sensitivity="personal",  # faces and number plates of passers-by
        description="Selected clips (disengagements, detector disagreements)")
    learn = (training >> data_lake).set(kind="batch_transfer", op="read", purpose="training",
                                        request_size="10 TB", rate="1 /week")  # assumed
    release = (training >> registry).set(kind="batch_transfer", purpose="model_artifact",
                                         request_size="740 MB", rate="1 /day", share=1 / 30)
    rollouts = []
    for m in (camera_detector, camera_classifier, lidar_detector, prediction):
        rollouts.append((registry >> m).set(kind="batch_transfer", purpose="model_artifact",
                                            request_size=m.fields["model"]["size"], rate="1 /day", share=1 / 30))
    rollouts.append((registry >> radar_detector).set(kind="batch_transfer", purpose="model_artifact",
                                                     request_size="10 MB", rate="1 /day", share=1 / 90))
    map_updates = (maps >> hd_map).set(kind="batch_transfer", purpose="control", request_size="50 MB",
                                       rate="1 /day")  # assumed: the tiles of the car's area

    # Flows ---------------------------------------------------------------------------------------
    Flow("perceive-and-plan", name="camera frame -> objects -> trajectories -> plan -> actuators",
         steps=[fuse_calls[0], escalate, fuse_calls[1], fuse_calls[2], predict, trajectories, read_map, checked,
                actuate],
         rate="10 /s",
         latency_budget="100 ms",  # assumed: one 10 Hz tick, the example budget of the design question
         offline=True)

    # Placement alternatives ------------------------------------------------------------------------
    Variant("all-on-car", {}, preset="client_side",
            description="Every model on the car's GPU computer; the cloud only trains and publishes")
    Variant("classifier-in-cloud", {"camera_classifier": "cloud"}, preset="hybrid", links_down=["depot-wifi"],
            description="The large classifier of uncertain regions runs in the cloud, reached over cellular "
                        "while driving")
    Variant("prediction-on-backup", {"trajectory_prediction": "backup_computer"},
            description="Trajectory prediction moves to the backup computer to free a GPU")
    Variant("uploads-over-cellular", {}, links_down=["depot-wifi"], preset="client_side",
            description="Clips and model updates over cellular data instead of the depot Wi-Fi")
